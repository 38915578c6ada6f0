"""The typed records that flow through ingestion: documents in, chunks out."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field


def content_hash(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Page:
    """A page's character span ``[start, end)`` in its document's text; ``ocr``: read from its image."""

    number: int
    start: int
    end: int
    ocr: bool = False


@dataclass(frozen=True)
class Section:
    """A heading and where its section starts in its document's text."""

    start: int
    title: str


@dataclass(frozen=True)
class TableRow:
    """One data row of a table: its number as the sheet or file shows it (the header is
    row 1), its cells, and the character span ``[start, end)`` of its record in the text."""

    number: int
    start: int
    end: int
    cells: tuple[str, ...]


def record_text(header: tuple[str, ...], cells: tuple[str, ...]) -> str:
    """A row as a line of text that says what its values are: "version: 10; codename: Buster."."""
    named = [f"{header[i] if i < len(header) and header[i] else f'Column {i + 1}'}: {v}"
             for i, v in enumerate(cells) if v]
    record = "; ".join(named)
    return record if record.endswith((".", "!", "?")) else record + "."


@dataclass(frozen=True)
class Table:
    """A table as the loader found it: what it is (``title``: file, sheet, caption), its
    header and its rows, each row also a record of the document's text (``record_text``)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]

    def record(self, row: TableRow) -> str:
        return record_text(self.header, row.cells)


@dataclass(frozen=True)
class Document:
    """The text of one source.

    ``source`` is what citations show: a path relative to the indexed folder, or
    a BEIR ``_id``. ``pages`` is empty for formats without pages; ``sections``
    (headings, slide titles, sheet names) is sorted by ``start``; ``tables`` are the
    tables among its text, each row a line of it.
    """

    source: str
    text: str
    title: str = ""
    pages: tuple[Page, ...] = ()
    sections: tuple[Section, ...] = ()
    hash: str = field(default="")
    tables: tuple[Table, ...] = ()
    uncertain: tuple[tuple[int, int], ...] = ()
    """Character spans of words that OCR read with low confidence, sorted."""

    def __post_init__(self) -> None:
        if not self.hash:
            headings = "".join(f"\x00{s.start}:{s.title}" for s in self.sections)
            object.__setattr__(self, "hash", content_hash(self.title + "\x00" + self.text + headings))

    def section_at(self, offset: int) -> str | None:
        """The heading of the section that holds character ``offset``."""
        found = self.sections_in(offset, offset)
        return (found[0][1] or None) if found else None  # "": text after a section that ended

    def sections_in(self, start: int, end: int) -> tuple[tuple[int, str], ...]:
        """``(offset, heading)`` of the sections that ``[start, end)`` overlaps; the
        first is the one it starts in (at ``start``)."""
        starts = [s.start for s in self.sections]
        first = bisect.bisect_right(starts, start) - 1
        inside = [(s.start, s.title) for s in self.sections[max(first + 1, 0):] if s.start < end]
        opening = ((start, self.sections[first].title),) if first >= 0 else ()
        return opening + tuple(inside)


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
    sections: tuple[tuple[int, str], ...] = ()
    """``(offset, heading)`` of the sections the chunk overlaps (``Document.sections_in``)."""

    @property
    def section(self) -> str | None:
        return self.sections[0][1] if self.sections else None

    @property
    def id(self) -> str:
        key = f"{self.source}\x00{self.doc_hash}\x00{self.index}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()

    @property
    def hash(self) -> str:
        return content_hash(self.text)
