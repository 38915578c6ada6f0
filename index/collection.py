"""One named collection: its vectors in Chroma, its catalog and keyword index in
SQLite, and the embedder and chunker it was built with."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index import embedders
from index.catalog import Catalog, ChunkRecord
from index.chunking import Chunker
from index.config import IndexConfig
from index.errors import IndexingError, IndexMismatchError
from index.store import ChromaStore, Hit, VectorCollection, check_collection_name
from index.sync import Syncer, SyncReport

if TYPE_CHECKING:
    from index.extras import Extras


class Collection:
    """Cheap to construct: the model, the store and the catalog open on first use."""

    def __init__(self, name: str, store: ChromaStore, catalog_dir: Path, config: IndexConfig | None = None,
                 shared_catalog: Callable[[str], object] | None = None):
        """``shared_catalog(name)``, when given, makes the catalog (``SqlCatalog``) in a
        database that other servers share, instead of a SQLite file in ``catalog_dir``."""
        self.name = check_collection_name(name)
        self.store = store
        self.config = config or IndexConfig()
        self.catalog_path = catalog_dir / f"{self.name}.sqlite3"
        self.shared_catalog = shared_catalog
        self._write_lock = threading.Lock()

    @cached_property
    def embedder(self) -> embedders.Embedder:
        return embedders.get(self.config.embedder, precision=self.config.precision, batch_size=self.config.batch_size)

    @cached_property
    def settings(self) -> dict:
        return self.config.saved_settings(self.embedder.model_id)

    @cached_property
    def catalog(self) -> Catalog:
        catalog = self.shared_catalog(self.name) if self.shared_catalog else Catalog(self.catalog_path)
        saved = catalog.settings()
        if saved is None:
            catalog.save_settings(self.settings)
        elif saved != self.settings:
            raise IndexMismatchError(self.name, saved, self.settings)
        return catalog

    @cached_property
    def extras(self) -> Extras:
        """The documents' tables and scan notes: in the shared database beside a shared
        catalog, else in a SQLite file beside this one."""
        from index.extras import Extras

        engine = getattr(self.catalog, "engine", None)
        if engine is not None:
            return Extras(engine, self.name)
        return Extras.sqlite(self.catalog_path.with_name(f"{self.name}.extras.sqlite3"), self.name)

    @cached_property
    def vectors(self) -> VectorCollection:
        vectors = self.store.open(self.name, self.embedder, self.settings, create=True)
        if self.catalog.count_chunks() == 0 and not self.catalog.dirty and vectors.count():
            self.catalog.rebuild(vectors.records())  # a server collection indexed by another client
        return vectors

    def exists(self) -> bool:
        return self.name in self.store.collection_names()

    def drop(self) -> None:
        """Delete the collection: its vectors and its catalog."""
        if self.exists():
            self.store.delete_collection(self.name)
        if self.shared_catalog is not None:
            self.extras.drop()
            self.shared_catalog(self.name).drop()
            return
        if "catalog" in self.__dict__:
            self.catalog.close()
        if "extras" in self.__dict__:
            self.extras.close()
        for name in (self.catalog_path.name, f"{self.name}.extras.sqlite3"):
            for suffix in ("", "-wal", "-shm", "-journal"):
                self.catalog_path.with_name(name + suffix).unlink(missing_ok=True)

    # -- writing -------------------------------------------------------------------------

    def sync(self, paths: list[Path], progress: bool = False) -> SyncReport:
        with self._write_lock, self.catalog.writer():
            syncer = Syncer(self.vectors, self.catalog, self.embedder,
                            Chunker(self.config.chunk_tokens, self.config.chunk_overlap), self.extras)
            syncer.recover()
            return syncer.sync(paths, progress=progress)

    def delete_documents(self, sources: list[str]) -> int:
        """Remove documents by source; returns the number of chunks deleted."""
        with self._write_lock, self.catalog.writer():
            files = self.catalog.files_of_sources(sources)
            unknown = set(sources) - set(self.catalog.owners(sources))
            if unknown:
                raise IndexingError(
                    f"no document named {sorted(unknown)[0]!r} in collection {self.name!r}; "
                    "list them with: assistant documents"
                )
            self.catalog.set_dirty(True)
            deleted = 0
            for file in files:
                ids = self.catalog.remove_file(file)
                self.vectors.delete(ids)
                deleted += len(ids)
            self.extras.keep_only(source for source, _, _ in self.catalog.documents())
            self.catalog.set_dirty(False)
            return deleted

    # -- reading -------------------------------------------------------------------------

    def documents(self) -> list[tuple[str, int]]:
        return [(source, count) for source, _, count in self.catalog.documents()]

    def document_text(self, source: str) -> str:
        """The indexed text of ``source``, at its document offsets (citations index into it);
        text between chunks that was not indexed, if any, reads as spaces."""
        text = ""
        for start, _, chunk in self.catalog.document_chunks(source):
            text = text[:start].ljust(start) + chunk  # chunks overlap with identical text
        if not text:
            raise IndexingError(f"no document named {source!r} in collection {self.name!r}; "
                                "list them with: assistant documents")
        return text

    def count(self) -> int:
        _ = self.vectors  # opening the store first fills an empty catalog from a server collection
        return self.catalog.count_chunks()

    def is_empty(self) -> bool:
        _ = self.vectors
        return self.catalog.is_empty()

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed([text])[0]

    def dense_search(self, vector: np.ndarray, n: int, source: str | None = None) -> list[Hit]:
        return self.vectors.query(vector, n, source)

    def dense_search_many(self, vectors: list[np.ndarray], n: int) -> list[list[Hit]]:
        return self.vectors.query_many(vectors, n)

    def keyword_search(self, text: str, n: int) -> list[Hit]:
        return [Hit(id=i, score=s) for i, s in self.catalog.keyword_search(text, n)]

    def chunks(self, ids: list[str]) -> dict[str, ChunkRecord]:
        return self.catalog.chunks(ids)
