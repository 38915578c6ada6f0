"""Errors raised while loading, chunking, embedding and storing documents.

Every message names the offending value and says how to fix it; the CLI turns
these into exit codes, nothing below it does.
"""

from __future__ import annotations

from pathlib import Path


class IndexingError(Exception):
    """Root of every error raised by the ``index`` package."""


class LoadError(IndexingError):
    """One file could not be read into text. Ingestion reports it and goes on."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFileError(LoadError):
    """The file's extension has no loader."""


class PathNotFoundError(IndexingError):
    REASON = "no such file or folder; check the path and try again"

    def __init__(self, path: Path | str):
        self.path = str(path)
        super().__init__(f"{self.path}: {self.REASON}")


class IndexMismatchError(IndexingError):
    """The collection was built with other embedding or chunking settings."""

    def __init__(self, collection: str, saved: dict, requested: dict):
        diffs = ", ".join(
            f"{key}: index has {saved.get(key)!r}, requested {requested.get(key)!r}"
            for key in sorted(set(saved) | set(requested))
            if saved.get(key) != requested.get(key)
        )
        super().__init__(
            f"collection {collection!r} was indexed with other settings ({diffs}); "
            "use the settings it was built with, or index into a new collection "
            "(--collection NAME)"
        )


class StoreError(IndexingError):
    """The vector store could not be reached or refused an operation."""
