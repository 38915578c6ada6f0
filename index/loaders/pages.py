"""Pages of text (a PDF's, or a scan's read by OCR) into one ``Document``, cleaned of
what typesetting adds.

Page by page: soft-hyphen and hyphen-at-line-end splits are joined, ligatures spelled
out, accents set apart from their letters put back on them, running headers and footers
(a first or last line that recurs, page numbers aside, on many pages) dropped,
table-of-contents and back-of-book index pages and a chapter's own contents entries left
out, and lines wrapped mid-sentence joined. Headings come from an outline when there is one
(a PDF's bookmarks), else from numbered titles. Pages read by OCR have Tesseract's
typical slips in names undone (``ocr_fixes``) and keep where its uncertain words are.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.documents import Document, Table, TableRow
from index.loaders import ocr_fixes
from index.loaders.builder import TextBuilder
from index.loaders.hyphens import Hyphens
from index.loaders.sheets import record_rows, table_title

LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
                           # LaTeX's T1 fonts without a Unicode map: their ligatures', quotes' and dashes'
                           # slots are control codes
                           "\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl", "\x10": "“",
                           "\x11": "”", "\x12": "„", "\x13": "«", "\x14": "»", "\x15": "–", "\x16": "—", "\x17": ""})
# TeX's OT1 fonts (texinfo, LaTeX without T1) set an accent as a glyph of its own before its letter:
# pdfium reads "Niels M¨oller", "Micha¨el". The pair is the accented letter. A circumflex and a tilde
# stand for themselves in listings ("result ˆ= x", "˜user"), an acute for an apostrophe ("it´s"):
# those are taken only before the letters they accent in European names, an acute not before an
# English contraction's ending.
ACCENTS = {"¨": "\u0308", "´": "\u0301", "˜": "\u0303", "˝": "\u030b", "ˇ": "\u030c", "˘": "\u0306",
           "˙": "\u0307", "¯": "\u0304", "˚": "\u030a", "ˆ": "\u0302"}
_TAKES = {"ˆ": "aeiou", "˜": "ano"}
_ACCENT = re.compile(r"([¨´˜˝ˇ˘˙¯˚ˆ])(?!(?<=´)(?:[stdm]|ll|re|ve)\b)([^\W\d_])")
ROMAN = re.compile(r"\b[ivxlcdm]{1,6}\b", re.I)
PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
LISTING_LINE = re.compile(r"(?:\.\s?){3,}\s*(?:\d{1,4}|[ivxlcdm]{1,8})$"  # dot leaders to a page, arabic or roman
                          r"|^(?:\d+|[A-Z])(?:\.\d+)*\.?\s+\S.{0,100}\s\d{1,4}$|,\s*\d{1,4}$")
# an entry of a contents list on a page of text (a chapter's own contents): "2.1. NAME . . . . 2"
CONTENTS_ENTRY = re.compile(r"[^\W\d_].*?(?:\.\s?){4,}\s*(?:\d{1,4}|[ivxlcdm]{1,8})$")
NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+[A-Z][^.!?:;,]{2,70}$")
# the sections a paper heads without a number, alone on their line
PAPER_HEADING = re.compile(r"^(?:abstract|keywords|acknowledge?ments?|references|bibliography|appendix(?: [a-z])?)$", re.I)
EDGE_NUMBER = re.compile(r"^\S.{0,80}\s(\d{1,4})(?:\s*/\s*\d{1,4})?$")  # "5.12. Package Salvaging 53"
FOOT_NUMBER = re.compile(r"^(\d{1,4})\s+\S.{0,80}$")  # "54 Chapter 5. Managing Packages", at a page's foot only
CAPTION = re.compile(r"^(?:Table|Tab\.)\s+[\dIVX]+(?:\.\d+)?[.:]?\s+\S")  # "Table 2: Results …", "Tab. 3. …"
_SPLIT_WORD = re.compile(r"([^\W\d_]+)\x02([^\W\d_]+)")
_SPLIT_NAME = re.compile(r"[^\W_]_$")  # a line ending inside a name: ``ASN1_MAX_``
SPLIT = "\x02"  # a word split at a line's end that pdfium has joined ("twenty\x02two")
TABLE_MARK = "\x00table "  # a line that stands for a table in a page's text (no document writes NUL)
FURNITURE_SHARE = 0.4
LISTING_SHARE = 0.5


def _shape(line: str) -> str:
    return ROMAN.sub("#", re.sub(r"\d+", "#", " ".join(line.lower().split())))


def _accented(match: re.Match) -> str:
    accent, letter = match[1], match[2]
    if accent in _TAKES and letter.lower() not in _TAKES[accent]:
        return match[0]
    composed = unicodedata.normalize("NFC", letter + ACCENTS[accent])
    return composed if len(composed) == 1 else match[0]


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(LIGATURES)
    text = _ACCENT.sub(_accented, text)
    text = re.sub(r"[\x02\xad\ufffe]\n", "-\n", text)  # pdfium's mark for a hyphen that ends a line
    # where pdfium has joined the line itself, its mark stays between the pieces for ``_dehyphenate``
    text = re.sub(r"(?<=[^\W\d_])[\x02\ufffe](?=[^\W\d_])", SPLIT, text)
    text = re.sub(r"[\xad\ufffe]|\x02(?![^\W\d_])|(?<![^\W\d_])\x02", "", text)
    return [line.strip() for line in text.split("\n") if line.strip()]


def _furniture(pages: list[list[str]]) -> set[str]:
    """Shapes of lines that open or close many pages: running headers and footers."""
    edges = Counter()
    for lines in pages:
        edges.update({_shape(line) for line in lines[:2] + lines[-2:]})
    least = max(3, FURNITURE_SHARE * len(pages))
    return {shape for shape, n in edges.items() if n >= least}


def _numbered_edges(pages: list[list[str]]) -> list[set[int]]:
    """Per page, the edge lines that carry its printed page number ("5.14 The testing
    distribution 59"): running headers whose text changes with the chapter. The printed
    number is the page's index plus an offset that most numbered pages share."""
    found: list[list[tuple[int, int]]] = []
    offsets = Counter()
    for index, lines in enumerate(pages):
        feet = {len(lines) - 2, len(lines) - 1}
        numbers = [(i, int(m.group(1))) for i in {0, 1} | feet if 0 <= i < len(lines)
                   for pattern in ((EDGE_NUMBER, FOOT_NUMBER) if i in feet else (EDGE_NUMBER,))
                   if (m := pattern.search(lines[i]))]
        found.append(numbers)
        offsets.update({index - n for _, n in numbers})
    if not offsets:
        return [set() for _ in pages]
    offset, count = offsets.most_common(1)[0]
    if count < max(3, FURNITURE_SHARE * len(pages)):
        return [set() for _ in pages]
    return [{i for i, n in numbers if index - n == offset} for index, numbers in enumerate(found)]


def _is_listing(lines: list[str]) -> bool:
    """A table of contents or a back-of-book index: most lines end in page numbers."""
    return len(lines) >= 5 and sum(bool(LISTING_LINE.search(line)) for line in lines) >= LISTING_SHARE * len(lines)


def _dehyphenate(lines: list[str], hyphens: Hyphens) -> list[str]:
    """Join a word split across lines: ``manip-`` + ``ulation`` gives ``manipulation``;
    a compound keeps its hyphen (``build-depends``, ``twenty-two``: ``hyphens.Hyphens``);
    a name broken after an underscore is one name."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        match = re.search(r"([^\W\d_]+)-$", previous)
        head = re.match(r"([a-z]+)", line)
        if _SPLIT_NAME.search(previous) and line[:1].isalnum():  # ``ASN1_MAX_`` + ``NAME_SIZE``
            out[-1] = previous + line
        elif match and head:
            keep = hyphens.keeps(match.group(1), head.group(1))
            out[-1] = (previous if keep else previous[:-1]) + line
        else:
            out.append(line)
    return [_SPLIT_WORD.sub(lambda m: m[1] + ("-" if hyphens.keeps(m[1], m[2]) else "") + m[2], line) for line in out]


def _is_heading(line: str, headings: set[str] | None) -> bool:
    """A line the outline names; without an outline, a numbered title ("2.1 Choose your program") or
    a paper's unnumbered one ("Abstract", "References")."""
    if headings is None:
        return bool(NUMBERED_HEADING.match(line) or PAPER_HEADING.match(line))
    said = normal(line)
    return said in headings or any(said.endswith(" " + h) for h in headings if len(line) < len(h) + 12)


def _paragraphs(lines: list[str], headings: set[str] | None) -> list[tuple[str, str]]:
    """``("heading" | "line" | "table", text)``: wrapped lines joined, headings and the
    marks of tables on their own."""
    out: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith(TABLE_MARK):
            out.append(("table", line))
            continue
        if _is_heading(line, headings):
            out.append(("heading", line))
            continue
        kind, previous = out[-1] if out else ("heading", "")
        wrapped = kind == "line" and previous[-1] not in ".!?:;" and (len(previous) >= 50 or line[:1].islower())
        if wrapped and not line.startswith(("•", "◦", "▪", "-", "*", "$")):
            out[-1] = ("line", previous + " " + line)
        else:
            out.append(("line", line))
    return out


def normal(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class PageRead:
    """One page's text, and whether OCR read it (with the words it was unsure of); the
    page's tables stand in its text as lines ``table_mark(i)``."""

    text: str
    scanned: bool = False
    uncertain: tuple[str, ...] = ()
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()


def table_mark(index: int) -> str:
    return f"{TABLE_MARK}{index}\x00"


def _repaired(read: Sequence[PageRead]) -> list[PageRead]:
    """OCR'd pages with Tesseract's typical slips in names undone (``ocr_fixes``), judged
    against the words the whole document writes."""
    if not any(r.scanned for r in read):
        return list(read)
    known = ocr_fixes.vocabulary(r.text for r in read)
    return [replace(r, text=ocr_fixes.repaired(r.text, known), uncertain=tuple(ocr_fixes.repaired(w, known)
                                                                                  for w in r.uncertain))
            if r.scanned else r for r in read]


def _with_uncertain(document: Document, words: dict[int, tuple[str, ...]]) -> Document:
    """Where the words OCR was unsure of ended up in the built text, page by page."""
    spans = []
    for page in document.pages:
        wanted = set(words.get(page.number, ()))
        if not wanted:
            continue
        for match in re.finditer(r"\S+", document.text[page.start : page.end]):
            if match.group() in wanted:
                spans.append((page.start + match.start(), page.start + match.end()))
    return replace(document, uncertain=tuple(spans)) if spans else document


def _build(source: str, read: list[PageRead], outline: dict[int, set[str]], title: str) -> Document:
    pages = [_lines(r.text) for r in read]
    hyphens = Hyphens(pages)
    furniture = _furniture(pages) if len(pages) >= 3 else set()
    numbered = _numbered_edges(pages) if len(pages) >= 3 else [set() for _ in pages]
    builder = TextBuilder()
    tables = _Tables(builder, source)
    for index, lines in enumerate(pages):
        lines = [line for i, line in enumerate(lines) if line.startswith(TABLE_MARK) or (
                 i not in numbered[index] and _shape(line) not in furniture and not PAGE_NUMBER.match(line))]
        if not lines or _is_listing(lines):
            continue
        lines = [line for line in lines if not CONTENTS_ENTRY.search(line)]
        builder.page(index + 1, ocr=read[index].scanned)
        headings = outline.get(index, set()) if outline else None
        before = None
        for number, (kind, text) in enumerate(_paragraphs(_dehyphenate(lines, hyphens), headings)):
            if kind == "table":
                tables.add(read[index].tables[int(text[len(TABLE_MARK):-1])], opens_page=number == 0,
                           caption=_caption(before))
                continue
            tables.close()
            builder.heading(text) if kind == "heading" else builder.line(text)
            before = text
    tables.close()
    return builder.build(source, title)


def _caption(text: str | None) -> str | None:
    """A table's title from a caption ("Table 2: Reader accuracy on three benchmarks."): its
    first sentence, without the closing stop."""
    if text is None or not CAPTION.match(text):
        return None
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0]
    return first.rstrip(". ")[:160]


@dataclass
class _OpenTable:
    title: str
    header: tuple[str, ...]
    rows: list[TableRow]
    heading: str | None  # the heading the text after the table goes on under


class _Tables:
    """A paged document's tables into its text, each titled by the heading it sits under or
    numbered ("guide: table 2"). A table that opens a page with the header of the table
    that closed the page before is that table typeset over two pages: its rows go on."""

    def __init__(self, builder: TextBuilder, source: str):
        self.builder, self.source, self.count = builder, source, 0
        self.open: _OpenTable | None = None

    def add(self, rows: tuple[tuple[str, ...], ...], opens_page: bool, caption: str | None = None) -> None:
        """A table found on the page (``pdf_tables``: a header and at least one row of data),
        titled by the caption just above it when there is one."""
        header, data = rows[0], rows[1:]
        if self.open is not None and opens_page and header == self.open.header:
            after = self.open.rows[-1].number + 1 if self.open.rows else 2
            self.open.rows.extend(record_rows(data, self.builder, self.open.title, header, after))
            return
        self.close()
        self.count += 1
        heading = self.builder.last_heading
        title = caption or heading or table_title(self.source, f"table {self.count}", several=True)
        self.open = _OpenTable(title, header, record_rows(data, self.builder, title, header, 2), heading)

    def close(self) -> None:
        """The open table ends: recorded, and the text after it under its heading again."""
        if self.open is not None:
            self.builder.table(Table(self.open.title, self.open.header, tuple(self.open.rows)))
            if self.open.heading:
                self.builder.section(self.open.heading)
            else:
                self.builder.end_section()
            self.open = None


def document(source: str, read: Sequence[PageRead], outline: dict[int, set[str]] | None = None,
             title: str = "") -> Document:
    """``read``'s pages, numbered from 1, as one cleaned document titled ``title``; ``outline``
    maps a page's index to the headings that start on it."""
    read = _repaired(read)
    built = _build(source, read, outline or {}, title)
    return _with_uncertain(built, {i + 1: r.uncertain for i, r in enumerate(read) if r.uncertain})
