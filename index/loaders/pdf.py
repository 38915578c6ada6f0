"""PDF: each page's text through pdfium, cleaned as pages are (``index.loaders.pages``).

pdfium over pypdf, measured on the Debian manuals' PDFs (``evals/debian-docs``):
pypdf 7.1 took 1.38 s for the 63 pages of the New Maintainers' Guide against
pdfium's 0.09 s, and glued the words of justified lines together
("distributionarchivealreadybyusingthefollowing"); pdfium keeps the spaces and
marks TeX's hyphenation points as soft hyphens, so words split across lines are
rejoined exactly. Superscripts (reference marks, exponents) are written as they read
(``pdf_marks``). The title is the metadata's or the first page's largest type
(``pdf_title``), the PDF's outline (bookmarks) gives the section headings, ruled
tables are kept as tables (``pdf_tables``), and pages without a text layer are read by
OCR (``index.loaders.ocr``).
"""

from __future__ import annotations

from pathlib import Path

from index.documents import Document
from index.errors import LoadError
from index.loaders import ocr, orientation, pages, pdf_marks, pdf_tables, pdf_title
from index.loaders.pages import PageRead, normal, table_mark
from index.loaders.registry import loader
from index.pdfium import LOCK


def _outline(document) -> dict[int, set[str]]:
    headings: dict[int, set[str]] = {}
    for bookmark in document.get_toc():
        destination = bookmark.get_dest()
        title = normal(bookmark.get_title() or "")
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
            count = len(document)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise LoadError(path, "the PDF is encrypted; save an unencrypted copy and index that") from exc
        raise LoadError(path, f"not a readable PDF ({exc}); re-export or repair it") from exc
    try:
        check_pages(path, count)
        budget = OcrBudget(path)
        read, ruled = [], set()
        for index in range(count):
            page, grid = _page_text(path, document, index, budget)
            read.append(page)
            if grid:
                ruled.add(index)
        for index, tables in pdf_tables.find(path, ruled).items():
            read[index] = _around_tables(document, index, tables)
        with LOCK:
            outline = _outline(document)
            title = pdf_title.metadata_title(document, path) or (_first_page_title(document) if count else "")
    finally:
        with LOCK:
            document.close()
    if not any(r.text.strip() for r in read):
        raise LoadError(path, "the PDF has no text on any page; nothing to index")
    return [pages.document(source, read, outline, title)]


def _first_page_title(document) -> str:
    page = document[0]
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        chars = textpage.get_text_range(0, count)
        return pdf_title.largest_type(chars, pdf_marks.Glyphs(textpage, chars).sizes) if len(chars) == count else ""
    finally:
        textpage.close()
        page.close()


def _page_text(path: Path, document, index: int, budget) -> tuple[PageRead, bool]:
    """A page's text layer, or its OCR when it has (almost) none, and whether the page
    draws a grid that may be a table (``pdf_tables.ruled``): pdfium under its lock,
    Tesseract outside it."""
    with LOCK:
        page = document[index]
        textpage = page.get_textpage()
        try:
            text = pdf_marks.page_text(textpage, page)
            has_text = len(text.strip()) >= ocr.MIN_TEXT_CHARS
            grid = has_text and pdf_tables.ruled(page)
            image = None if has_text else ocr.scan_image(path, page, index + 1, budget)
        finally:  # closed here, under the lock, not by a finaliser in some other thread
            textpage.close()
            page.close()
    if image is not None:
        scanned = ocr.from_data(orientation.upright_reading(path, image, index + 1).data)
        if scanned.text:
            return PageRead(scanned.text, True, scanned.uncertain), False
    return PageRead(text), grid


def _around_tables(document, index: int, tables: tuple[pdf_tables.FoundTable, ...]) -> PageRead:
    """A page with text read again around its ``tables``, which stand in it as marks."""
    with LOCK:
        page = document[index]
        textpage = page.get_textpage()
        try:
            width, height = page.get_size()
            around = pdf_tables.text_around(textpage, width, height, tables, table_mark, page)
        finally:
            textpage.close()
            page.close()
    return PageRead(around, tables=tuple(t.rows for t in tables))
