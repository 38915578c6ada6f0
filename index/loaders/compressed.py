"""Files compressed on their own — ``manual.pdf.gz``, ``notes.txt.bz2``, ``faq.html.xz``, as
packaged documentation ships them — are read by the loader of what they hold, after
unpacking into a private temporary folder. Unpacking stops at a bound, so a small file that
expands without end (a "gzip bomb") is refused instead of filling the disk."""

from __future__ import annotations

import bz2
import gzip
import lzma
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from index.errors import LoadError
from index.loaders.limits import MEDIA_FACTOR, limit

OPENERS: dict[str, Callable[[Path], IO[bytes]]] = {
    ".gz": lambda path: gzip.open(path, "rb"),
    ".bz2": lambda path: bz2.open(path, "rb"),
    ".xz": lambda path: lzma.open(path, "rb"),
}
TEXT_FORMATS = {".txt", ".text", ".md", ".markdown", ".rst", ".html", ".htm", ".xhtml", ".csv", ".tsv", ".jsonl"}
"""Formats bound by ``ASSISTANT_MAX_EXPANDED_MB`` itself; the rest (PDFs, images, office
files) by ``MEDIA_FACTOR`` times it, as in an office archive."""
_BAD_DATA = (OSError, EOFError, zlib.error, lzma.LZMAError)


def is_compressed(path: Path) -> bool:
    return path.suffix.lower() in OPENERS


def inner_format(path: Path) -> str:
    """The extension of what ``path`` holds: ``.pdf`` for ``manual.pdf.gz``, ``""`` for ``notes.gz``."""
    return Path(path.stem).suffix.lower()


def most_bytes(fmt: str) -> int:
    most = limit("ASSISTANT_MAX_EXPANDED_MB") * 2**20
    return int(most if fmt in TEXT_FORMATS else most * MEDIA_FACTOR)


@contextmanager
def unpacked(path: Path) -> Iterator[Path]:
    """``path`` unpacked as a file of its inner name in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="assistant-unpacked-") as folder:
        target = Path(folder) / Path(path.stem).name
        with target.open("wb") as out:
            for chunk in _chunks(path):
                out.write(chunk)
        yield target


def unpacked_bytes(path: Path) -> bytes:
    """What ``path`` holds, in memory (the viewer draws a compressed PDF's page from it)."""
    return b"".join(_chunks(path))


def _chunks(path: Path) -> Iterator[bytes]:
    """``path`` unpacked a megabyte at a time, stopped at ``most_bytes``."""
    fmt = inner_format(path)
    most = most_bytes(fmt)
    try:
        with OPENERS[path.suffix.lower()](path) as packed:
            written = 0
            while chunk := packed.read(1 << 20):
                written += len(chunk)
                if written > most:
                    raise LoadError(path, f"it expands to more than {most / 2**20:,.0f} MB, the limit for "
                                          f"{fmt or 'its'} files (ASSISTANT_MAX_EXPANDED_MB); it is either a "
                                          "compression bomb or too large to index here")
                yield chunk
    except _BAD_DATA as exc:
        raise LoadError(path, f"cannot unpack it ({exc}); the file is damaged or not "
                              f"{path.suffix.lower()[1:]}-compressed") from exc
