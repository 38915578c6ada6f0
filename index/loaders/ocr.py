"""Text for PDF pages that have none (scans), read by Tesseract.

Tesseract is a system program (Debian: ``tesseract-ocr``); without it a scanned
page cannot be read, and the error says how to install it.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

from index.errors import LoadError

MIN_TEXT_CHARS = 16  # a page with less text than this is treated as a scan
DPI = 300
INSTALL = "install Tesseract (Debian/Ubuntu: sudo apt-get install tesseract-ocr; macOS: brew install tesseract)"


@lru_cache(maxsize=1)
def available() -> bool:
    return shutil.which("tesseract") is not None


def page_text(path: Path, page, number: int, budget=None) -> str:
    """The OCR'd text of a pdfium page; ``LoadError`` when the page holds an image
    but Tesseract is missing or the file's OCR budget is spent, empty when the page is blank."""
    if not _has_image(page):
        return ""
    if not available():
        raise LoadError(path, f"page {number} is a scanned image and needs OCR; {INSTALL}, then index again")
    if budget is not None:
        budget.take(number)
    import pytesseract

    from index.loaders.limits import render_scale

    width, height = page.get_size()
    image = page.render(scale=render_scale(width, height, DPI)).to_pil()
    try:
        return pytesseract.image_to_string(image)
    except pytesseract.TesseractError as exc:
        raise LoadError(path, f"OCR failed on page {number} ({exc}); check the Tesseract installation") from exc


def _has_image(page) -> bool:
    import pypdfium2.raw as raw

    return any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))

