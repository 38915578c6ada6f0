"""A page of an image document (a frame of a PNG, JPEG or multi-page TIFF) with the quoted
words highlighted. The words are Tesseract's, read as the image loader read them
(``index.loaders.images.read_words``), so they spell what was indexed; the page is shown
upright as it was read, at most ``WIDTH`` pixels wide. Readings are cached per (file hash, page)."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import DocumentNotFound
from assistant.viewer.highlight import PageCache, PageImage, highlighted, word_boxes

WIDTH = 1000  # pixels: a letter page at about 118 dpi, as wide as a PDF page in the viewer

_cache = PageCache()


def _shown(path: Path, file_hash: str, number: int):
    """``(image shown, page count, its words with boxes in its pixels)``, cached."""
    from PIL import Image, ImageSequence

    from index.loaders.images import read_words, upright
    from index.loaders.limits import check_image

    key = (file_hash, number)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    with Image.open(path) as image:
        check_image(path, image.size)
        pages = getattr(image, "n_frames", 1)
        if not 1 <= number <= pages:
            raise DocumentNotFound(f"{path.name} has no page {number}; it has {pages}")
        frame = upright(ImageSequence.Iterator(image)[number - 1])
    scale, reading = read_words(path, frame, number)
    frame = reading.upright(frame)
    shown_scale = min(1.0, WIDTH / frame.width)
    shown = frame.resize((max(1, round(frame.width * shown_scale)), max(1, round(frame.height * shown_scale))))
    return _cache.put(key, (shown.convert("RGB"), pages, word_boxes(reading.data, scale / shown_scale)))


def page_image(path: Path, file_hash: str, number: int, quote: str) -> PageImage:
    """Page ``number`` of the image file at ``path`` with ``quote`` highlighted."""
    image, pages, words = _shown(path, file_hash, number)
    return highlighted(image, words, quote, pages)
