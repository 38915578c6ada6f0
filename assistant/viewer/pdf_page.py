"""A PDF page as an image with the quoted characters highlighted (``highlight.py``): the
quote is found in pdfium's text page for a page with text and in Tesseract's words for
a scanned one (a compressed PDF is unpacked in memory). Renderings are cached per (file
hash, page)."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import DocumentNotFound
from assistant.viewer.highlight import Box, PageCache, PageImage, highlighted, ocr_words
from index.loaders.compressed import is_compressed, unpacked_bytes
from index.pdfium import LOCK, rendered

SCALE = 1.5  # 108 dpi: a page fits a viewer pane, and renders in tens of milliseconds

_cache = PageCache()


def _page_chars(page, height: float) -> list[tuple[str, Box]]:
    """Every character of a page with text, and its box in image pixels."""
    textpage = page.get_textpage()
    chars = []
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        chars.append((textpage.get_text_range(i, 1),
                      (left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE)))
    return chars


def _rendered(path: Path, file_hash: str, number: int):
    """``(image, page count, the page's characters with boxes, or None for a scan)``, cached."""
    import pypdfium2 as pdfium

    key = (file_hash, number)
    with LOCK:  # pdfium
        cached = _cache.get(key)
        if cached is not None:
            return cached
        document = pdfium.PdfDocument(unpacked_bytes(path) if is_compressed(path) else str(path))
        try:
            if not 1 <= number <= len(document):
                raise DocumentNotFound(f"{path.name} has no page {number}; it has {len(document)}")
            page = document[number - 1]
            image = rendered(page, scale=SCALE).convert("RGB")
            chars = _page_chars(page, page.get_size()[1])
            entry = (image, len(document), chars or None)
        finally:
            document.close()
        return _cache.put(key, entry)


def page_image(path: Path, file_hash: str, number: int, quote: str) -> PageImage:
    """Page ``number`` of the PDF at ``path`` with ``quote`` highlighted."""
    image, pages, chars = _rendered(path, file_hash, number)
    if chars is None:  # a scan: Tesseract's words, on the page turned upright as it was read
        image, chars = ocr_words(path, image, (file_hash, number))
    return highlighted(image, chars, quote, pages)
