"""Assemble a document's text from headings, paragraphs and lines, recording
where each page and section starts, so loaders never compute offsets by hand."""

from __future__ import annotations

from index.documents import Document, Page, Section, Table


class TextBuilder:
    """Headings and paragraphs are separated by a blank line, consecutive lines
    (list items, table rows) by a newline; a heading opens a section."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._last = ""
        self._sections: list[Section] = []
        self._pages: list[Page] = []
        self._page: tuple[int, int | None, bool] | None = None
        self._tables: list[Table] = []
        self._heading: str | None = None

    def heading(self, title: str) -> None:
        title = " ".join(title.split())
        if title:
            start = self._add(title, "\n\n")
            self._sections.append(Section(start, title))
            self._last = "heading"
            self._heading = title

    def section(self, title: str) -> None:
        """Open a section whose title is not part of the text (a sheet name, a slide number)."""
        if title:
            self._open_section(title)
            self._heading = title

    def end_section(self) -> None:
        """End the section the text runs in, when what follows has no heading of its own (the
        text after a table that stood under none is not in the table's last row)."""
        if self._sections and self._sections[-1].title:
            self._open_section("")
            self._heading = None

    def row_section(self, title: str) -> None:
        """Open the section of one table row ("prices, row 3"): it says where the row is, not
        what the text is about, so ``last_heading`` passes over it."""
        if title:
            self._open_section(title)

    def _open_section(self, title: str) -> None:
        self._sections.append(Section(self._length + (2 if self._parts else 0), title))
        self._last = "section"

    def paragraph(self, text: str) -> None:
        if text.strip():
            self._add(text.strip(), "\n\n")
            self._last = "paragraph"

    def line(self, text: str) -> tuple[int, int] | None:
        """Add a line; its span in the text, or ``None`` for a blank one."""
        if not text.strip():
            return None
        start = self._add(text.strip(), "\n" if self._last == "line" else "\n\n")
        self._last = "line"
        return start, self._length

    def table(self, table: Table) -> None:
        """Record a table whose rows were added as lines."""
        self._tables.append(table)

    def page(self, number: int, ocr: bool = False) -> None:
        self._close_page()
        self._page = (number, None, ocr)

    def build(self, source: str, title: str = "") -> Document:
        self._close_page()
        text = "".join(self._parts)
        sections = tuple(s for s in self._sections if s.start < len(text))
        return Document(source=source, text=text, title=" ".join(title.split()), pages=tuple(self._pages),
                        sections=sections, tables=tuple(self._tables))

    @property
    def last_heading(self) -> str | None:
        """The title of the heading or named section (a sheet, a slide) the text now runs in."""
        return self._heading

    @property
    def empty(self) -> bool:
        return not self._parts

    def _add(self, text: str, separator: str) -> int:
        if self._parts:
            self._parts.append(separator)
            self._length += len(separator)
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        if self._page is not None and self._page[1] is None:
            self._page = (self._page[0], start, self._page[2])
        return start

    def _close_page(self) -> None:
        if self._page is not None and self._page[1] is not None:
            self._pages.append(Page(self._page[0], self._page[1], self._length, self._page[2]))
        self._page = None
