"""``Assistant``: the one object behind the CLI, the app and the evaluation runner."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path

from index import ChromaStore, Collection, SyncReport

from assistant import answerers
from assistant.dialogue.turns import Turn
from assistant.errors import QuestionError
from assistant.pipeline import Pipeline
from assistant.retrieval import HybridRetriever
from assistant.settings import Settings
from assistant.types import Answer

HistoryItem = str | dict | Answer | Turn  # an earlier question, a {"role", "content"} turn, a Turn or an Answer


class Assistant:
    """Ask questions over a collection of documents.

    >>> bot = Assistant(collection="notes", store="/tmp/store")
    >>> bot.index(["docs/"])
    >>> bot.ask("What does the warranty cover?").answer

    Construction is cheap: the model and the store open on first use.
    """

    def __init__(
        self,
        collection: str | None = None,
        store: str | Path | None = None,
        *,
        settings: Settings | None = None,
        llm: str | None = None,
        llm_options: dict | None = None,
        **overrides,
    ):
        settings = settings or Settings()
        updates = {key: value for key, value in overrides.items() if value is not None}
        if collection is not None:
            updates["collection"] = collection
        if store is not None:
            updates["store"] = Path(store).expanduser()
        if llm is not None:
            updates["llm"] = llm
        self.settings = Settings.model_validate({**settings.model_dump(), **updates}) if updates else settings
        self.llm_options = llm_options or {}

    # -- the parts -------------------------------------------------------------------------

    @cached_property
    def store(self) -> ChromaStore:
        s = self.settings
        if s.chroma_host:
            return ChromaStore(host=s.chroma_host, port=s.chroma_port)
        return ChromaStore(path=s.store / "chroma")

    @property
    def catalog_dir(self) -> Path:
        s = self.settings
        if s.chroma_host:
            return s.store / "servers" / f"{s.chroma_host}-{s.chroma_port}"
        return s.store / "catalogs"

    @cached_property
    def collection(self) -> Collection:
        shared = None
        if self.settings.database_url:
            from assistant.server.database import shared_catalogs

            shared = shared_catalogs(self.settings.database_url)
        return Collection(self.settings.collection, self.store, self.catalog_dir, self.settings.index, shared)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.collection, k=self.settings.k, hybrid=self.settings.hybrid)

    @cached_property
    def answerer(self) -> answerers.Answerer:
        return answerers.create(self.settings.llm, self.collection, **self.llm_options)

    @cached_property
    def pipeline(self) -> Pipeline:
        from assistant.answerers.acronyms import AcronymAnswerer
        from assistant.dialogue.retrieval import DialogueRetriever
        from assistant.spelling import Speller
        from assistant.tables import TableAnswerer

        extras = self.collection.extras
        tables = TableAnswerer(extras, llm=getattr(self.answerer, "llm", None))  # text-to-SQL when an LLM is set
        return Pipeline(DialogueRetriever(self.retriever), self.answerer, history_mode=self.settings.history_mode,
                        specialists=(tables, AcronymAnswerer(self.retriever.keyword_passages)), scans=extras.scans_of,
                        speller=Speller(self.collection.catalog), replay=self.settings.replay)

    @cached_property
    def chain(self):
        """A LangChain Runnable: ``{"question": str, "history": [turn, ...]}`` in, ``Answer`` out
        (a turn: a string for an earlier question, or ``{"role": "user"|"assistant", "content": …}``)."""
        from assistant.chain import build_chain

        return build_chain(self.pipeline)

    def as_retriever(self):
        """The hybrid retriever as a LangChain ``BaseRetriever``."""
        from assistant.chain import LangChainRetriever

        return LangChainRetriever(retriever=self.retriever)

    # -- documents -------------------------------------------------------------------------

    def index(self, paths: Iterable[str | Path], progress: bool = False) -> SyncReport:
        """Sync files and folders into the collection (incremental, by content hash)."""
        return self.collection.sync([Path(p).expanduser() for p in paths], progress=progress)

    def prepare(self) -> None:
        """Get the question-time models ready (exported and cached on first use), so the
        first question after indexing starts as fast as any other."""
        for part in (self.collection.embedder, self.answerer):
            prepare = getattr(part, "prepare", None)
            if prepare is not None:
                prepare()

    def collections(self) -> list:
        """Every collection in the store, with document and chunk counts (``CollectionInfo``)."""
        from assistant import collections

        return collections.describe(self)

    def require_collection(self) -> None:
        """Raise ``UnknownCollectionError`` (naming the ones that exist) unless the
        collection exists; creates nothing."""
        from assistant import collections

        collections.require(self)

    def documents(self) -> list[tuple[str, int]]:
        """``(source, chunk count)`` of each indexed document."""
        return self.collection.documents()

    def delete(self, sources: Iterable[str]) -> int:
        return self.collection.delete_documents(list(sources))

    # -- questions -------------------------------------------------------------------------

    def ask(self, question: str, history: Iterable[HistoryItem] = ()) -> Answer:
        """The same steps as ``chain.invoke``, without importing LangChain.

        ``history``: the earlier turns, oldest first: strings (questions),
        ``{"role": "user"|"assistant", "content": …}`` objects, ``Turn``s or earlier ``Answer``s."""
        return self.pipeline.run({"question": _checked(question), "history": list(history)})

    def stream(self, question: str, history: Iterable[HistoryItem] = ()) -> Iterator[str | Answer]:
        """Yield pieces of the answer as they are produced, then the final ``Answer``."""
        question = _checked(question)
        steps = self.pipeline
        yield from steps.stream(steps.retrieve(steps.respell(steps.condense({"question": question,
                                                                              "history": list(history)}))))


def _checked(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionError(f"the question is empty ({question!r}); ask something about the documents")
    return question
