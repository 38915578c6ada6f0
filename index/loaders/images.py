"""Images of pages (a scanner's TIFF, a phone's photo, a screenshot), read by Tesseract.

Each frame of the file is a page (a multi-page TIFF is one document of several pages),
read as a scanned PDF page is, with the words Tesseract was unsure of kept, then cleaned
as pages are (``index.loaders.pages``). A photo is turned upright by its EXIF
orientation (and by Tesseract's when it lies on its side: ``orientation``), and a
transparent background is read as white paper.

The resolution a file states is often wrong (many tools write 72 dpi whatever the
scan), so the text's own size decides: a frame is read as it is, and read again
enlarged to words ``READ_HEIGHT`` pixels high when its words are under ``SMALL_TEXT``.
Measured with ``python bench/ocr.py --images --pages 8,14,20`` on pages of the New
Maintainers' Guide saved as JPEG (word error against the PDF's text layer, as it is →
enlarged; median word height): 100 dpi (10 px) 0.125 → 0.077; 150 dpi (14 px) 0.056 →
0.052 (0.056 → 0.057 in a run enlarged 2×, not 2.1×: within noise, for twice the time);
200 dpi (20 px) 0.051 → 0.057. Enlarging helps only text under about 12 pixels.
"""

from __future__ import annotations

from pathlib import Path

from index.documents import Document
from index.errors import LoadError
from index.loaders import ocr, orientation, pages
from index.loaders.orientation import Reading
from index.loaders.pages import PageRead
from index.loaders.registry import IMAGES, loader

SMALL_TEXT = 12  # pixels: a median word height below this is enlarged to ``READ_HEIGHT``
READ_HEIGHT = 30  # pixels: the height of words on a page scanned at ``ocr.DPI``
MOST_ENLARGED = 4.0


@loader(*IMAGES)
def load_image(path: Path, source: str) -> list[Document]:
    from PIL import Image, ImageSequence

    from index.loaders.limits import OcrBudget, check_image, check_pages

    if not ocr.available():
        raise LoadError(path, f"an image is read by OCR; {ocr.INSTALL}, then index again")
    try:
        with Image.open(path) as image:
            check_image(path, image.size)
            check_pages(path, getattr(image, "n_frames", 1))
            budget = OcrBudget(path)
            read = []
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                budget.take(number)
                scanned = ocr.from_data(read_words(path, upright(frame), number)[1].data)
                read.append(PageRead(scanned.text, True, scanned.uncertain))
    except (PermissionError, FileNotFoundError):
        raise
    except (OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:  # Pillow's "cannot decode"
        raise LoadError(path, f"not a readable image ({exc}); re-save it as PNG or TIFF") from exc
    if not any(r.text.strip() for r in read):
        raise LoadError(path, "OCR found no text in the image; nothing to index")
    return [pages.document(source, read)]


def upright(frame):
    """``frame`` turned by its EXIF orientation, on white where it is transparent, in grey."""
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(frame)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, (255, 255, 255, 255)), image)
    return image.convert("L")


def read_words(path: Path, image, number: int) -> tuple[float, Reading]:
    """``(scale, Tesseract's reading)`` of a grey page image: read upright within the pixel
    limit (``orientation``), and read again enlarged when its text is small. Word boxes are
    in the pixels of the image read: ``scale`` times the given image's, turned upright."""
    from index.loaders.limits import fitted_scale

    scale = fitted_scale(*image.size, 1.0)
    reading = orientation.upright_reading(path, _resized(image, scale), number)
    height = ocr.word_height(reading.data)
    if 0 < height < SMALL_TEXT:
        enlarged = fitted_scale(*image.size, min(scale * READ_HEIGHT / height, MOST_ENLARGED))
        if enlarged > scale * 1.05:
            again = ocr.image_data(path, reading.upright(_resized(image, enlarged)), number)
            scale, reading = enlarged, Reading(again, reading.turned)
    return scale, reading


def _resized(image, scale: float):
    from PIL import Image

    if abs(scale - 1) < 0.01:
        return image
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                        Image.Resampling.LANCZOS)
