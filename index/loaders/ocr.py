"""Text for PDF pages that have none (scans), read by Tesseract.

Tesseract is a system program (Debian: ``tesseract-ocr``); without it a scanned
page cannot be read, and the error says how to install it.

A page is rendered at ``DPI`` and read with Tesseract's default page segmentation;
each word keeps Tesseract's confidence, and the words read with less than
``LOW_CONFIDENCE`` are reported so that answers do not rest on them alone.

Chosen with ``bench/ocr.py`` on six pages of the Debian New Maintainers' Guide rendered
as a scan, against the PDF's own text layer (word error / identifiers not read whole):
300 dpi, segmentation 3: 0.054 / 0.186 (kept); segmentation 6: 0.053 / 0.191;
Otsu binarisation: 0.054 / 0.208; 400 dpi binarised: 0.059 / 0.244. Words read below
confidence 50 were wrong 71% of the time, those at 50-79 53%, those at 90+ 2%: below 50
a word is uncertain.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.errors import LoadError
from index.pdfium import rendered

MIN_TEXT_CHARS = 16  # a page with less text than this is treated as a scan
DPI = 300
LOW_CONFIDENCE = 50  # Tesseract's word confidence (0-100) below which a word is uncertain
INSTALL = "install Tesseract (Debian/Ubuntu: sudo apt-get install tesseract-ocr; macOS: brew install tesseract)"


@dataclass(frozen=True)
class OcrText:
    text: str
    uncertain: tuple[str, ...] = ()  # words read with low confidence


@lru_cache(maxsize=1)
def available() -> bool:
    return shutil.which("tesseract") is not None


def scan_image(path: Path, page, number: int, budget=None):
    """A pdfium page rendered for OCR (grayscale, ``DPI``), or None when it holds no image
    (a blank page); ``LoadError`` when Tesseract is missing or the file's OCR budget is
    spent. Call it holding ``index.pdfium.LOCK``."""
    if not _has_image(page):
        return None
    if not available():
        raise LoadError(path, f"page {number} is a scanned image and needs OCR; {INSTALL}, then index again")
    if budget is not None:
        budget.take(number)
    from index.loaders.limits import render_scale

    width, height = page.get_size()
    return rendered(page, scale=render_scale(width, height, DPI), grayscale=True).convert("L")


def image_data(path: Path, image, number: int) -> dict:
    """Tesseract's words of page ``number``'s image, with their boxes and confidences."""
    import pytesseract

    try:
        return pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError as exc:
        raise LoadError(path, f"OCR failed on page {number} ({exc}); check the Tesseract installation") from exc


def word_height(data: dict) -> float:
    """The median height in pixels of the words Tesseract read (0 when it read none)."""
    heights = sorted(h for h, word, conf in zip(data["height"], data["text"], data["conf"])
                     if (word or "").strip() and float(conf) > 0)
    return float(heights[len(heights) // 2]) if heights else 0.0


def from_data(data: dict) -> OcrText:
    """Tesseract's words back into lines (one per line it found, a blank line between
    paragraphs), with the words it was unsure of."""
    lines: list[str] = []
    uncertain: list[str] = []
    current, key = [], None
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        if not word:
            continue
        line = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if key is not None and line != key:
            lines.append(" ".join(current))
            if line[:2] != key[:2]:
                lines.append("")
            current = []
        key = line
        current.append(word)
        if 0 <= float(data["conf"][i]) < LOW_CONFIDENCE:
            uncertain.append(word)
    if current:
        lines.append(" ".join(current))
    return OcrText("\n".join(lines), tuple(uncertain))


def _has_image(page) -> bool:
    import pypdfium2.raw as raw

    return any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))
