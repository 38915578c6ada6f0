"""Ingestion: load files, chunk them by tokens, embed them and keep them in sync
with a Chroma collection and its keyword index."""

from index.collection import Collection
from index.config import IndexConfig
from index.errors import IndexingError, LoadError
from index.store import ChromaStore
from index.sync import SyncReport

__all__ = ["ChromaStore", "Collection", "IndexConfig", "IndexingError", "LoadError", "SyncReport"]
