"""``assistant mcp``: the assistant as a Model Context Protocol server over stdio, for
agents and desktop clients.

Tools: ``ask`` (the ``ask --json`` object, verified citations included), ``search``
(passages with source, page and offsets) and ``list_collections``. Every indexed
document is a resource, ``assistant://COLLECTION/SOURCE`` (source URL-quoted),
whose text is what the citations' offsets index into. Mistakes a person can fix
(an unknown collection, an empty question) come back as tool errors that say how.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from assistant.api import Assistant
from assistant.errors import AssistantError, ConfigError
from index.errors import IndexingError

SCHEME = "assistant"


class Catalog:
    """The assistants of one store, one per collection, opened on first use."""

    def __init__(self, store: str | Path | None, default: str | None, **options):
        self.store = store
        self.options = options
        self.default = Assistant(collection=default, store=store, **options).settings.collection
        self._open_ones: dict[str, Assistant] = {}

    def _open(self, name: str) -> Assistant:
        if name not in self._open_ones:
            self._open_ones[name] = Assistant(collection=name, store=self.store, **self.options)
        return self._open_ones[name]

    def names(self) -> list[str]:
        return sorted(self._open(self.default).store.collection_names())

    def get(self, name: str | None) -> Assistant:
        """The collection's assistant; an error naming those that exist if it does not."""
        name = name or self.default
        known = self.names()
        if name not in known:
            raise LookupError(f"no collection named {name!r}; the collections are: {', '.join(known) or 'none yet'} "
                              "(index documents with: assistant index PATH --collection NAME)")
        return self._open(name)


def build_server(store: str | Path | None = None, collection: str | None = None, **options):
    try:
        from mcp.server import MCPServer
        from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
    except ImportError as exc:
        raise ConfigError("the MCP server needs the mcp package: pip install 'doc-assistant[mcp]'") from exc

    catalog = Catalog(store, collection, **options)
    server = MCPServer("document-assistant", instructions=(
        "Answers questions from the user's indexed documents with citations to the exact passages "
        "(source, page, character offsets, verbatim quote). When the documents do not hold the answer it "
        "declines (declined: true) instead of guessing; say so rather than answering from memory."))

    def bot(name: str | None) -> Assistant:
        try:
            return catalog.get(name)
        except LookupError as exc:
            raise ToolError(str(exc)) from None

    @server.tool()
    def ask(question: str, collection: str | None = None, history: list[str | dict[str, str]] | None = None) -> dict:
        """Answer a question from the documents of a collection, citing the passages it quotes.

        history: the conversation's earlier turns, oldest first, for follow-ups ("Who does she report to?"):
            questions as strings, or {"role": "user"|"assistant", "content": ...} to include the answers
            (questions sent without their answers are answered again first, which takes longer).
        Returns the answer, short_answer, declined, and citations [{n, source, page, start, end, quote}].
        """
        if not question or not question.strip():
            raise ToolError("the question is empty; ask something about the documents")
        try:
            return bot(collection).ask(question.strip(), history=history or []).to_json()
        except (AssistantError, IndexingError) as exc:
            raise ToolError(str(exc)) from None

    @server.tool()
    def search(query: str, collection: str | None = None, k: int = 5) -> list[dict]:
        """The passages of a collection that best match a query (hybrid dense + keyword search)."""
        if not query or not query.strip():
            raise ToolError("the query is empty; say what to search for")
        if not 1 <= k <= 50:
            raise ToolError(f"k = {k} is out of range; ask for 1 to 50 passages")
        passages = bot(collection).retriever.retrieve(query.strip(), k=k)
        return [{"source": p.source, "page": p.page, "start": p.start, "end": p.end, "text": p.text,
                 "score": round(p.score, 6)} for p in passages]

    @server.tool()
    def list_collections() -> list[dict]:
        """The collections with their number of documents and passages."""
        result = []
        for name in catalog.names():
            documents = catalog.get(name).documents()
            result.append({"name": name, "documents": len(documents), "chunks": sum(n for _, n in documents)})
        return result

    for name in catalog.names():
        for source, _ in catalog.get(name).documents():
            _register_document(server, catalog, name, source, ResourceNotFoundError)
    return server


def _register_document(server, catalog: Catalog, collection: str, source: str, not_found) -> None:
    @server.resource(f"{SCHEME}://{quote(collection, safe='')}/{quote(source, safe='')}", name=f"{collection}/{source}",
                     mime_type="text/plain", description=f"{source} in collection {collection}")
    def document() -> str:
        try:
            return catalog.get(collection).collection.document_text(source)
        except (LookupError, IndexingError) as exc:
            raise not_found(str(exc)) from None


def serve(store: str | None = None, collection: str | None = None, **options) -> None:
    build_server(store, collection, **options).run("stdio")
