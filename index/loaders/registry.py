"""Loaders by file extension. A loader turns one file into ``Document``s and
raises ``LoadError`` naming the file and the fix; sync reports it and goes on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.documents import Document
from index.errors import LoadError, UnsupportedFileError

Loader = Callable[[Path, str], list[Document]]
LOADERS: dict[str, Loader] = {}
FORMAT_VERSION = b"loaders-5\x00"
"""Salts the file hashes sync compares, so files read by older loaders are read again
(their documents are re-embedded only where the text changed)."""


def loader(*extensions: str) -> Callable[[Loader], Loader]:
    def register(fn: Loader) -> Loader:
        for ext in extensions:
            LOADERS[ext] = fn
        return fn

    return register


def extension(path: Path) -> str:
    return path.suffix.lower() or "(none)"


def supported(path: Path) -> bool:
    return path.suffix.lower() in LOADERS


def unsupported_reason(path: Path) -> str:
    return (f"unsupported file type {path.suffix or '(no extension)'!r}; "
            f"supported: {', '.join(sorted(LOADERS))}")


def load_file(path: Path, source: str) -> list[Document]:
    """Load ``path``; ``source`` is the name its documents are cited by."""
    fn = LOADERS.get(path.suffix.lower())
    if fn is None:
        raise UnsupportedFileError(path, unsupported_reason(path))
    from index.loaders.limits import check_archive

    try:
        check_archive(path)
        return fn(path, source)
    except LoadError:
        raise
    except OSError as exc:
        raise LoadError(path, f"cannot read the file ({exc.strerror or exc}); check it exists and is readable") from exc
