"""The typed records that flow through ingestion: documents in, chunks out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_hash(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Page:
    """A page's character span ``[start, end)`` in its document's text."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """The text of one source.

    ``source`` is what citations show: a path relative to the indexed folder, or
    a BEIR ``_id``. ``pages`` is empty for formats without pages.
    """

    source: str
    text: str
    title: str = ""
    pages: tuple[Page, ...] = ()
    hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.hash:
            object.__setattr__(self, "hash", content_hash(self.title + "\x00" + self.text))


@dataclass(frozen=True)
class Chunk:
    """A span ``text == document.text[start:end]`` of one document."""

    source: str
    index: int
    start: int
    end: int
    text: str
    page: int | None
    doc_hash: str

    @property
    def id(self) -> str:
        key = f"{self.source}\x00{self.doc_hash}\x00{self.index}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()

    @property
    def hash(self) -> str:
        return content_hash(self.text)
