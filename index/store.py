"""Chroma as the vector store: embedded (``PersistentClient``) by default, or a
Chroma server (``HttpClient``) when a host is given.

Vectors are computed by our embedder and passed in; the collection also gets an
embedding function wrapping that embedder, so Chroma never falls back to its
default one (which downloads a model).
"""

from __future__ import annotations

import json

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index.documents import Chunk
from index.embedders import Embedder
from index.errors import IndexingError, IndexMismatchError, StoreError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$")
_PAGE = 2000  # ids per Chroma get/delete call: keeps request sizes bounded


def check_collection_name(name: str) -> str:
    if not _NAME.match(name) or ".." in name:
        raise IndexingError(
            f"invalid collection name {name!r}: use 3-512 letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class Hit:
    id: str
    score: float


class _ChromaEmbeddingFunction:
    """Lets Chroma embed ``query_texts`` with our model instead of its default one."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:
        return list(self.embedder.embed(list(input)))

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:
        return self(input)

    @staticmethod
    def name() -> str:
        return "assistant"

    def get_config(self) -> dict:
        return {"model_id": self.embedder.model_id}

    @staticmethod
    def build_from_config(config: dict) -> "_ChromaEmbeddingFunction":
        from index.embedders import get

        return _ChromaEmbeddingFunction(get("minilm"))

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    @staticmethod
    def validate_config(config: dict) -> None:
        return None

    def validate_config_update(self, old_config: dict, new_config: dict) -> None:
        return None


class ChromaStore:
    """A Chroma database: a folder on disk, or a server at ``host:port``."""

    def __init__(self, path: Path | None = None, host: str | None = None, port: int = 8000):
        if path is None and host is None:
            raise IndexingError("a store needs a folder (--store) or a Chroma server (--chroma-host)")
        self.path = path
        self.host = host
        self.port = port

    @property
    def location(self) -> str:
        return f"http://{self.host}:{self.port}" if self.host else str(self.path)

    @cached_property
    def client(self):
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        try:
            if self.host:
                return chromadb.HttpClient(host=self.host, port=self.port, settings=settings)
            self.path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(self.path), settings=settings)
        except ValueError as exc:
            raise StoreError(f"cannot open the Chroma store at {self.location} ({exc}); check --store / --chroma-host") from exc
        except OSError as exc:
            raise StoreError(f"cannot open the Chroma store at {self.location} ({exc}); check the folder is writable") from exc

    def collection_names(self) -> list[str]:
        return sorted(c if isinstance(c, str) else c.name for c in self.client.list_collections())

    def open(self, name: str, embedder: Embedder, settings: dict, create: bool = True) -> "VectorCollection":
        """Open (or create) a collection, refusing one built with other ``settings``."""
        from chromadb.errors import NotFoundError

        check_collection_name(name)
        function = _ChromaEmbeddingFunction(embedder)
        try:
            collection = self.client.get_collection(name, embedding_function=function)
        except (NotFoundError, ValueError):
            if not create:
                raise IndexingError(
                    f"collection {name!r} does not exist in {self.location}; index documents into it first "
                    f"(assistant index PATH --collection {name})"
                ) from None
            collection = self.client.create_collection(
                name, embedding_function=function, metadata=dict(settings),
                configuration={"hnsw": {"space": "cosine"}},
            )
        saved = {key: value for key, value in (collection.metadata or {}).items() if key in settings}
        if saved != settings:
            raise IndexMismatchError(name, saved, settings)
        return VectorCollection(collection)

    def delete_collection(self, name: str) -> None:
        self.client.delete_collection(check_collection_name(name))


SEARCH_BREADTH = 300
"""Neighbours every dense query asks Chroma for (its HNSW search explores at least as many as
it returns), of which the first ``n`` are kept. With the default breadth (Chroma's ef_search,
100), 13% of covidqa's questions missed at least one of their 30 nearest chunks, differently
after each restart: Chroma rebuilds its graph on load (chroma-core/chroma#3638).
``bench/dense_recall.py`` chose 300 on the reader dev and train paragraphs (docs/dense-recall.md)."""


class VectorCollection:
    def __init__(self, collection, breadth: int = SEARCH_BREADTH):
        self._collection = collection
        self.breadth = breadth

    @property
    def name(self) -> str:
        return self._collection.name

    def count(self) -> int:
        return self._collection.count()

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray, titles: Sequence[str]) -> None:
        batch = 4000  # below Chroma's max batch size
        for lo in range(0, len(chunks), batch):
            part = chunks[lo : lo + batch]
            self._collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[lo : lo + batch],
                documents=[c.text for c in part],
                metadatas=[_metadata(c, t) for c, t in zip(part, titles[lo : lo + batch])],
            )

    def delete(self, ids: Sequence[str]) -> None:
        for lo in range(0, len(ids), _PAGE):
            self._collection.delete(ids=list(ids[lo : lo + _PAGE]))

    def _pages(self, include: list[str]) -> Iterator[dict]:
        """Every chunk's ``include`` fields, ``_PAGE`` chunks a call."""
        offset = 0
        while True:
            page = self._collection.get(include=include, limit=_PAGE, offset=offset)
            yield page
            if len(page["ids"]) < _PAGE:
                return
            offset += len(page["ids"])

    def ids(self) -> Iterator[str]:
        for page in self._pages([]):
            yield from page["ids"]

    def records(self) -> Iterator[tuple[str, str, dict]]:
        """Every chunk as ``(id, text, metadata)``, a page at a time."""
        for page in self._pages(["documents", "metadatas"]):
            yield from zip(page["ids"], page["documents"], page["metadatas"])

    def embeddings(self) -> Iterator[tuple[str, str, np.ndarray]]:
        """Every chunk as ``(id, source, vector)``, a page at a time (for fitting and analysis)."""
        for page in self._pages(["metadatas", "embeddings"]):
            for chunk_id, meta, vector in zip(page["ids"], page["metadatas"], page["embeddings"]):
                yield chunk_id, meta["source"], np.asarray(vector, dtype=np.float32)

    def query(self, vector: np.ndarray, n: int, source: str | None = None) -> list[Hit]:
        """The ``n`` nearest chunks (of document ``source`` only, when given)."""
        return self.query_many([vector], n, source)[0]

    def query_many(self, vectors: Sequence[np.ndarray], n: int, source: str | None = None) -> list[list[Hit]]:
        """The ``n`` nearest chunks of each vector (of document ``source`` only, when given), in one request."""
        if not len(vectors):
            return []
        where = {"source": source} if source is not None else None
        result = self._collection.query(query_embeddings=list(vectors), n_results=max(n, self.breadth), where=where,
                                        include=["distances"])
        return [[Hit(id=i, score=1.0 - d) for i, d in zip(ids[:n], distances[:n])]
                for ids, distances in zip(result["ids"], result["distances"])]


def _metadata(chunk: Chunk, title: str) -> dict:
    meta = {
        "source": chunk.source, "chunk": chunk.index, "start": chunk.start, "end": chunk.end,
        "doc_hash": chunk.doc_hash,
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    if chunk.sections:
        meta["sections"] = json.dumps(chunk.sections)
    if title:
        meta["title"] = title
    return meta
