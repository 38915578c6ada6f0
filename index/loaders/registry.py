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


IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")
PAGES = (".html", ".htm", ".xhtml", ".md", ".markdown", ".rst")
ASSET_FOLDERS = {"images", "image", "img", "imgs", "figures", "figs", "_images", "_static", "static", "assets", "icons",
                 "pics", "pictures", "doc_img"}


def figures(files: list[Path]) -> set[Path]:
    """The images among ``files`` (a folder being indexed) that illustrate its pages, not
    pages themselves: those beside web or Markdown pages or in a folder of page assets
    (a manual's ``images/``, Sphinx's ``_static/``). Their icons, diagrams and screenshots
    are left out; scanned pages and photos of documents, kept in folders of their own, are
    read by OCR."""
    with_pages = {f.parent for f in files if f.suffix.lower() in PAGES}
    return {f for f in files if f.suffix.lower() in IMAGES
            and (f.parent in with_pages or f.parent.name.lower() in ASSET_FOLDERS)}


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
