"""A PDF page as an image with the quoted characters highlighted.

The quote is found on the page by its letters and digits alone (the indexed text has
hyphenation undone, ligatures spelled out and running headers dropped, so it is not
the page's text character for character), in pdfium's text page for a page with text
and in Tesseract's words for a scanned one. Its boxes, merged per line, are painted
over the page's rendering and returned in the image's pixels. Renderings are cached
per (file hash, page)."""

from __future__ import annotations

import io
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import DocumentNotFound
from index.pdfium import LOCK, rendered

SCALE = 1.5  # 108 dpi: a page fits a viewer pane, and renders in tens of milliseconds
CACHED_PAGES = 64
Box = tuple[float, float, float, float]  # left, top, right, bottom in image pixels


@dataclass(frozen=True)
class PageImage:
    png: bytes
    width: int
    height: int
    boxes: tuple[Box, ...]
    pages: int


_cache: OrderedDict[tuple[str, int], tuple] = OrderedDict()


def _normalised(chars: list[str]) -> tuple[str, list[int]]:
    """The letters and digits of ``chars``, lower-cased and NFKC-folded ("ﬁ" → "fi"), with
    the index in ``chars`` of each."""
    text, where = [], []
    for i, c in enumerate(chars):
        for folded in unicodedata.normalize("NFKC", c).lower():
            if folded.isalnum():
                text.append(folded)
                where.append(i)
    return "".join(text), where


def _span(haystack: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` lies in ``haystack`` (both normalised): whole, else from its first
    to its last 24 characters."""
    if not quote:
        return None
    at = haystack.find(quote)
    if at >= 0:
        return at, at + len(quote)
    head, tail = quote[:24], quote[-24:]
    first = haystack.find(head)
    last = haystack.find(tail, first + 1) if first >= 0 else -1
    if first >= 0 and last >= 0 and last + len(tail) - first <= 2 * len(quote):
        return first, last + len(tail)
    return None


def _merged(boxes: list[Box]) -> tuple[Box, ...]:
    """Character or word boxes joined into one box per line."""
    lines: list[list[float]] = []
    for left, top, right, bottom in boxes:
        last = lines[-1] if lines else None
        if last is not None and abs(top - last[1]) < 0.6 * (bottom - top + 1) and left >= last[0] - 2:
            last[2], last[1], last[3] = max(last[2], right), min(last[1], top), max(last[3], bottom)
        else:
            lines.append([left, top, right, bottom])
    return tuple(tuple(round(v, 1) for v in line) for line in lines)


def _page_chars(page, height: float) -> list[tuple[str, Box]]:
    """Every character of a page with text, and its box in image pixels."""
    textpage = page.get_textpage()
    chars = []
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        chars.append((textpage.get_text_range(i, 1),
                      (left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE)))
    return chars


def _boxes(pieces: list[tuple[str, Box]], quote: str) -> list[Box]:
    """The boxes of the characters or words that spell ``quote`` (letters and digits alone)."""
    haystack, where = _normalised([piece for piece, _ in pieces])
    found = _span(haystack, _normalised(list(quote))[0])
    if found is None:
        return []
    return [pieces[i][1] for i in sorted({where[k] for k in range(*found)})]


_words: OrderedDict[tuple[str, int], list] = OrderedDict()


def _ocr_words(image, key: tuple[str, int]) -> list[tuple[str, Box]]:
    """Tesseract's words of a scanned page with their boxes (read once per page, cached)."""
    words = _words.get(key)
    if words is None:
        import pytesseract

        data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
        words = [(w, (data["left"][i], data["top"][i], data["left"][i] + data["width"][i],
                      data["top"][i] + data["height"][i])) for i, w in enumerate(data["text"]) if (w or "").strip()]
        _words[key] = words
        while len(_words) > CACHED_PAGES:
            _words.popitem(last=False)
    return words


def _rendered(path: Path, file_hash: str, number: int):
    """``(image, page count, the page's characters with boxes, or None for a scan)``, cached."""
    import pypdfium2 as pdfium

    key = (file_hash, number)
    with LOCK:  # pdfium, and the cache that threads share
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        document = pdfium.PdfDocument(str(path))
        try:
            if not 1 <= number <= len(document):
                raise DocumentNotFound(f"{path.name} has no page {number}; it has {len(document)}")
            page = document[number - 1]
            image = rendered(page, scale=SCALE).convert("RGB")
            chars = _page_chars(page, page.get_size()[1])
            entry = (image, len(document), chars or None)
        finally:
            document.close()
        _cache[key] = entry
        while len(_cache) > CACHED_PAGES:
            _cache.popitem(last=False)
    return entry


def page_image(path: Path, file_hash: str, number: int, quote: str) -> PageImage:
    """Page ``number`` of the PDF at ``path`` with ``quote`` highlighted."""
    from PIL import Image, ImageDraw

    image, pages, chars = _rendered(path, file_hash, number)
    pieces = chars if chars is not None else _ocr_words(image, (file_hash, number))
    boxes = _boxes(pieces, quote)
    merged = _merged(boxes)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for left, top, right, bottom in merged:
        draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=(255, 214, 0, 110))
    painted = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    painted.save(buffer, "PNG", compress_level=1)
    return PageImage(buffer.getvalue(), image.width, image.height, merged, pages)
