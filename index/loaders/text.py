"""Plain text formats, and the size and encoding checks every text read goes through."""

from __future__ import annotations

from pathlib import Path

from index.documents import Document
from index.errors import LoadError
from index.loaders.registry import loader
from index.loaders.text_outline import outline

MAX_TEXT_MB = 20  # one text file over this is refused: it would hold tens of thousands of chunks


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_TEXT_MB * 2**20:
        raise LoadError(path, f"{size / 2**20:.0f} MB of text is over the {MAX_TEXT_MB} MB limit for one file; "
                              "split it into smaller files")
    return path.read_bytes()


def read_text(path: Path) -> str:
    return decode_text(path, read_bytes(path))


def decode_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise LoadError(path, "binary data, not text; give it the extension of its real format or remove it")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save the file as UTF-8",
        ) from exc


@loader(".txt", ".rst")
def load_text(path: Path, source: str) -> list[Document]:
    """The text as it is, but for its headings' underlines and its table of contents; its
    headings give sections (``text_outline``)."""
    text, sections = outline(read_text(path))
    return [Document(source=source, text=text, sections=sections)]
