"""Loaders by file extension. A loader turns one file into ``Document``s and
raises ``LoadError`` naming the file and the fix; sync reports it and goes on."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from index.documents import Document
from index.errors import LoadError, UnsupportedFileError
from index.loaders.compressed import inner_format, is_compressed, unpacked

Loader = Callable[[Path, str], list[Document]]
LOADERS: dict[str, Loader] = {}
FORMAT_VERSION = b"loaders-10\x00"
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
STYLESHEETS = (".css",)
PAGE_BYTES = 4 * 2**20
_REFERENCE = re.compile(r"""(?:\b(?:src|href|data-src|srcset)\s*=\s*["']?|\]\(\s*<?|\.\.\s+(?:image|figure)::\s*"""
                        r"""|\burl\(\s*["']?)([^"'\s<>()]+)""", re.IGNORECASE)
ASSET_FOLDERS = {"images", "image", "img", "imgs", "figures", "figs", "_images", "_static", "static", "assets", "icons",
                 "pics", "pictures", "doc_img"}


def figures(files: list[Path]) -> set[Path]:
    """The images among ``files`` (a folder being indexed) that illustrate its pages, not
    pages themselves: those a web, Markdown or reStructuredText page of the folder names
    (an ``<img src>``, a ``![](…)``, an ``.. image::``, a stylesheet's ``url()``), and those in
    a folder of page assets (a manual's ``images/``, Sphinx's ``_static/``). Their icons,
    diagrams and screenshots are left out; scanned pages and photos of documents are read by
    OCR, also beside a README that does not show them."""
    named = names_shown(f for f in files if f.suffix.lower() in PAGES + STYLESHEETS)
    return {f for f in files if f.suffix.lower() in IMAGES
            and (f.name.lower() in named or f.parent.name.lower() in ASSET_FOLDERS)}


def names_shown(pages: Iterable[Path]) -> set[str]:
    """The file names (lower case) that the text of ``pages`` shows or links to, read from
    the first ``PAGE_BYTES`` of each: a file a README merely mentions is not shown."""
    named: set[str] = set()
    for page in pages:
        try:
            with page.open("rb") as handle:
                head = handle.read(PAGE_BYTES).decode("utf-8", "replace")
        except OSError:
            continue
        named.update(PurePosixPath(unquote(urlsplit(m.group(1)).path)).name.lower() for m in _REFERENCE.finditer(head))
    return named


def format_of(path: Path) -> str:
    """The extension that picks ``path``'s loader: ``.pdf`` for ``manual.pdf.gz``."""
    return inner_format(path) if is_compressed(path) else path.suffix.lower()


def extension(path: Path) -> str:
    """How a skipped file's type is reported: ``.png``, ``.tar.gz``, ``(none)``."""
    if is_compressed(path) and inner_format(path):
        return inner_format(path) + path.suffix.lower()
    return path.suffix.lower() or "(none)"


def supported(path: Path) -> bool:
    return format_of(path) in LOADERS


def unsupported_reason(path: Path) -> str:
    if is_compressed(path):
        return (f"unsupported file type {extension(path)!r}: a compressed file is read when it holds one "
                f"document of a supported type, named for it (manual.pdf.gz); supported: "
                f"{', '.join(sorted(LOADERS))}")
    return (f"unsupported file type {path.suffix or '(no extension)'!r}; "
            f"supported: {', '.join(sorted(LOADERS))}")


def load_file(path: Path, source: str) -> list[Document]:
    """Load ``path``; ``source`` is the name its documents are cited by."""
    fn = LOADERS.get(format_of(path))
    if fn is None:
        raise UnsupportedFileError(path, unsupported_reason(path))
    if is_compressed(path):
        with unpacked(path) as inner:
            try:
                return load_file(inner, source)
            except LoadError as exc:  # named by the file the user has, not the temporary copy
                raise LoadError(path, exc.reason) from exc
    from index.loaders.limits import check_archive

    try:
        check_archive(path)
        return fn(path, source)
    except LoadError:
        raise
    except OSError as exc:
        raise LoadError(path, f"cannot read the file ({exc.strerror or exc}); check it exists and is readable") from exc
