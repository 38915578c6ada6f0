"""PDF: each page's text through pdfium, cleaned of what typesetting adds.

pdfium over pypdf, measured on the Debian manuals' PDFs (``evals/debian-docs``):
pypdf 7.1 took 1.38 s for the 63 pages of the New Maintainers' Guide against
pdfium's 0.09 s, and glued the words of justified lines together
("distributionarchivealreadybyusingthefollowing"); pdfium keeps the spaces and
marks TeX's hyphenation points as soft hyphens, so words split across lines are
rejoined exactly.

Cleaning, page by page: soft-hyphen and hyphen-at-line-end splits are joined,
ligatures spelled out, running headers and footers (a first or last line that
recurs, page numbers aside, on many pages) dropped, table-of-contents and
back-of-book index pages left out, and lines wrapped mid-sentence joined. The
PDF's outline (bookmarks) gives the section headings. Pages without a text layer
are read by OCR (``index.loaders.ocr``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from index.documents import Document
from index.errors import LoadError
from index.loaders import ocr, ocr_fixes
from index.loaders.builder import TextBuilder
from index.loaders.registry import loader
from index.pdfium import LOCK

LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
ROMAN = re.compile(r"\b[ivxlcdm]{1,6}\b", re.I)
PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
LISTING_LINE = re.compile(r"(?:\.\s?){3,}\s*\d{1,4}$|^(?:\d+|[A-Z])(?:\.\d+)*\.?\s+\S.{0,100}\s\d{1,4}$|,\s*\d{1,4}$")
NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+[A-Z][^.!?:;,]{2,70}$")
EDGE_NUMBER = re.compile(r"^\S.{0,80}\s(\d{1,4})(?:\s*/\s*\d{1,4})?$")  # "5.12. Package Salvaging 53"
FOOT_NUMBER = re.compile(r"^(\d{1,4})\s+\S.{0,80}$")  # "54 Chapter 5. Managing Packages", at a page's foot only
FURNITURE_SHARE = 0.4
LISTING_SHARE = 0.5


def _shape(line: str) -> str:
    return ROMAN.sub("#", re.sub(r"\d+", "#", " ".join(line.lower().split())))


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(LIGATURES)
    text = re.sub(r"[\x02\xad\ufffe]\n", "-\n", text)  # pdfium's mark for a hyphen that ends a line
    text = re.sub(r"[\x02\xad\ufffe]", "", text)
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


def _dehyphenate(lines: list[str], compounds: set[str]) -> list[str]:
    """Join a word split across lines: ``manip-`` + ``ulation`` gives ``manipulation``;
    the hyphen stays when the document spells the word with one elsewhere (``build-depends``)."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        match = re.search(r"([^\W\d_]+)-$", previous)
        head = re.match(r"([a-z]+)", line)
        if match and head:
            keep = f"{match.group(1)}-{head.group(1)}".lower() in compounds
            out[-1] = (previous if keep else previous[:-1]) + line
        else:
            out.append(line)
    return out


def _is_heading(line: str, headings: set[str] | None) -> bool:
    """A line the outline names; without an outline, a numbered title ("2.1 Choose your program")."""
    if headings is None:
        return bool(NUMBERED_HEADING.match(line))
    normal = _normal(line)
    return normal in headings or any(normal.endswith(" " + h) for h in headings if len(line) < len(h) + 12)


def _paragraphs(lines: list[str], headings: set[str] | None) -> list[tuple[str, str]]:
    """``("heading" | "line", text)``: wrapped lines joined, headings on their own."""
    out: list[tuple[str, str]] = []
    for line in lines:
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


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _outline(document) -> dict[int, set[str]]:
    headings: dict[int, set[str]] = {}
    for bookmark in document.get_toc():
        destination = bookmark.get_dest()
        title = _normal(bookmark.get_title() or "")
        if destination is not None and title:
            headings.setdefault(destination.get_index(), set()).add(title)
    return headings


@loader(".pdf")
def load_pdf(path: Path, source: str) -> list[Document]:
    import pypdfium2 as pdfium

    from index.loaders.limits import OcrBudget, check_pages

    try:
        with LOCK:
            document = pdfium.PdfDocument(str(path))
            pages = len(document)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise LoadError(path, "the PDF is encrypted; save an unencrypted copy and index that") from exc
        raise LoadError(path, f"not a readable PDF ({exc}); re-export or repair it") from exc
    try:
        check_pages(path, pages)
        budget = OcrBudget(path)
        read = [_page_text(path, document, i, budget) for i in range(pages)]
        with LOCK:
            outline = _outline(document)
    finally:
        with LOCK:
            document.close()
    if not any(r.text.strip() for r in read):
        raise LoadError(path, "the PDF has no text on any page; nothing to index")
    read = _repaired(read)
    built = _build(source, [r.text for r in read], outline, {i + 1 for i, r in enumerate(read) if r.scanned})
    return [_with_uncertain(built, {i + 1: r.uncertain for i, r in enumerate(read) if r.uncertain})]


@dataclass(frozen=True)
class _Read:
    text: str
    scanned: bool = False
    uncertain: tuple[str, ...] = ()


def _page_text(path: Path, document, index: int, budget) -> _Read:
    """A page's text layer, or its OCR when it has (almost) none: pdfium under its lock,
    Tesseract outside it."""
    with LOCK:
        page = document[index]
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_bounded()
            image = ocr.scan_image(path, page, index + 1, budget) if len(text.strip()) < ocr.MIN_TEXT_CHARS else None
        finally:  # closed here, under the lock, not by a finaliser in some other thread
            textpage.close()
            page.close()
    if image is not None:
        scanned = ocr.image_text(path, image, index + 1)
        if scanned.text:
            return _Read(scanned.text, True, scanned.uncertain)
    return _Read(text)


def _repaired(read: list[_Read]) -> list[_Read]:
    """OCR'd pages with Tesseract's typical slips in names undone (``ocr_fixes``), judged
    against the words the whole document writes."""
    if not any(r.scanned for r in read):
        return read
    known = ocr_fixes.vocabulary(r.text for r in read)
    return [_Read(ocr_fixes.repaired(r.text, known), True, tuple(ocr_fixes.repaired(w, known) for w in r.uncertain))
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


def _build(source: str, texts: list[str], outline: dict[int, set[str]], scanned: set[int] = frozenset()) -> Document:
    pages = [_lines(text) for text in texts]
    compounds = {w.lower() for lines in pages for line in lines for w in re.findall(r"[^\W\d_]+-[a-z]+", line)}
    furniture = _furniture(pages) if len(pages) >= 3 else set()
    numbered = _numbered_edges(pages) if len(pages) >= 3 else [set() for _ in pages]
    builder = TextBuilder()
    for index, lines in enumerate(pages):
        lines = [line for i, line in enumerate(lines)
                 if i not in numbered[index] and _shape(line) not in furniture and not PAGE_NUMBER.match(line)]
        if not lines or _is_listing(lines):
            continue
        builder.page(index + 1, ocr=index + 1 in scanned)
        headings = outline.get(index, set()) if outline else None
        for kind, text in _paragraphs(_dehyphenate(lines, compounds), headings):
            builder.heading(text) if kind == "heading" else builder.line(text)
    return builder.build(source)
