"""Bounds on what one file may cost to read, so a hostile or broken file cannot
take the machine's memory or hours of OCR: the expanded size of an office or
e-book archive (a "zip bomb"), the pages of a PDF, the scanned pages OCR reads in
one file, and the pixels of a page rendered for OCR or of an image file. Each is an environment
variable; a file over a limit is refused with a ``LoadError`` naming it, and
nothing already indexed is touched."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from index.errors import LoadError

ARCHIVES = {".docx", ".pptx", ".xlsx", ".xlsm", ".odt", ".ods", ".epub"}
MEDIA = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".webp", ".mp3", ".mp4",
         ".wav", ".m4a", ".avi", ".mov", ".ttf", ".otf", ".woff", ".woff2", ".bin"}
DEFAULTS = {"ASSISTANT_MAX_EXPANDED_MB": 32, "ASSISTANT_MAX_PDF_PAGES": 3000, "ASSISTANT_MAX_OCR_PAGES": 100,
            "ASSISTANT_MAX_RENDER_MEGAPIXELS": 40}
IMAGE_FACTOR = 4  # an image file may hold this many times the render limit's pixels
MEDIA_FACTOR = 8  # images, fonts and sounds may expand to this many times the markup limit (they barely compress)


def limit(name: str) -> float:
    raw = os.environ.get(name)
    try:
        return float(raw) if raw else float(DEFAULTS[name])
    except ValueError:
        raise LoadError(name, f"{raw!r} is not a number; set {name} to one") from None


def check_archive(path: Path) -> None:
    """Refuse an archive whose text and markup would expand past
    ``ASSISTANT_MAX_EXPANDED_MB`` (the part a loader parses into memory), or whose
    members together would expand past ``MEDIA_FACTOR`` times that — read from its
    directory, before anything is unpacked."""
    if path.suffix.lower() not in ARCHIVES or not zipfile.is_zipfile(path):
        return
    most = limit("ASSISTANT_MAX_EXPANDED_MB") * 2**20
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    markup = sum(m.file_size for m in members if Path(m.filename).suffix.lower() not in MEDIA)
    total = sum(m.file_size for m in members)
    if markup > most or total > most * MEDIA_FACTOR:
        raise LoadError(path, f"it expands to {max(markup, total) / 2**20:,.0f} MB, over the limit of "
                              f"{most / 2**20:,.0f} MB of text and markup (ASSISTANT_MAX_EXPANDED_MB); it is either "
                              "a zip bomb or too large to index here")


def check_pages(path: Path, pages: int) -> None:
    most = int(limit("ASSISTANT_MAX_PDF_PAGES"))
    if pages > most:
        raise LoadError(path, f"{pages:,} pages, over the limit of {most:,} (ASSISTANT_MAX_PDF_PAGES); split the PDF")


class OcrBudget:
    """How many scanned pages one file may still have read by OCR."""

    def __init__(self, path: Path):
        self.path = path
        self.left = int(limit("ASSISTANT_MAX_OCR_PAGES"))

    def take(self, number: int) -> None:
        if self.left <= 0:
            most = int(limit("ASSISTANT_MAX_OCR_PAGES"))
            raise LoadError(self.path, f"more than {most} scanned pages (reached at page {number}), the most OCR reads "
                                       "in one file (ASSISTANT_MAX_OCR_PAGES); split the PDF or raise the limit")
        self.left -= 1


def render_scale(width_pt: float, height_pt: float, dpi: float) -> float:
    """The render scale for ``dpi``, lowered so the image stays within
    ``ASSISTANT_MAX_RENDER_MEGAPIXELS``."""
    return fitted_scale(width_pt, height_pt, dpi / 72)


def fitted_scale(width: float, height: float, scale: float) -> float:
    """``scale``, lowered so a ``width`` × ``height`` image scaled by it stays within
    ``ASSISTANT_MAX_RENDER_MEGAPIXELS``."""
    most = limit("ASSISTANT_MAX_RENDER_MEGAPIXELS") * 1e6
    pixels = width * height * scale * scale
    return scale if pixels <= most else scale * (most / pixels) ** 0.5


def check_image(path: Path, size: tuple[int, int]) -> None:
    """Refuse an image file of more than ``IMAGE_FACTOR`` times ``ASSISTANT_MAX_RENDER_MEGAPIXELS``
    (a smaller one over the limit is read scaled down)."""
    most = limit("ASSISTANT_MAX_RENDER_MEGAPIXELS") * 1e6 * IMAGE_FACTOR
    if size[0] * size[1] > most:
        raise LoadError(path, f"{size[0]}×{size[1]} pixels, over the limit of {most / 1e6:,.0f} megapixels "
                              f"({IMAGE_FACTOR} × ASSISTANT_MAX_RENDER_MEGAPIXELS); scale the image down")
