"""A page image with a quote's words highlighted, for the viewer.

The quote is found among the page's pieces (characters or OCR'd words, each with its
box) by its letters and digits alone: the indexed text has hyphenation undone,
ligatures spelled out and running headers dropped, so it is not the page's text
character for character. Its boxes, merged per line, are painted over the image."""

from __future__ import annotations

import io
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

Box = tuple[float, float, float, float]  # left, top, right, bottom in image pixels
CACHED_PAGES = 64


@dataclass(frozen=True)
class PageImage:
    png: bytes
    width: int
    height: int
    boxes: tuple[Box, ...]
    pages: int


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


def _boxes(pieces: list[tuple[str, Box]], quote: str) -> list[Box]:
    """The boxes of the characters or words that spell ``quote`` (letters and digits alone)."""
    haystack, where = _normalised([piece for piece, _ in pieces])
    found = _span(haystack, _normalised(list(quote))[0])
    if found is None:
        return []
    return [pieces[i][1] for i in sorted({where[k] for k in range(*found)})]


class PageCache:
    """The last ``CACHED_PAGES`` pages' renderings or readings by (file hash, page number),
    shared by the server's worker threads."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, int], tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> tuple | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, int], entry: tuple) -> tuple:
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > CACHED_PAGES:
                self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_words = PageCache()


def word_boxes(data: dict, scale: float = 1.0) -> list[tuple[str, Box]]:
    """Tesseract's words (``image_to_data``'s dictionary) with their boxes, divided by ``scale``."""
    return [(w, (data["left"][i] / scale, data["top"][i] / scale, (data["left"][i] + data["width"][i]) / scale,
                 (data["top"][i] + data["height"][i]) / scale))
            for i, w in enumerate(data["text"]) if (w or "").strip()]


def ocr_words(path: Path, image, key: tuple[str, int]):
    """``(the scanned page upright, its words with their boxes in that image's pixels)``, as
    the loader read them (``index.loaders.orientation``); read once per page, cached."""
    from index.loaders.orientation import turned, upright_reading

    cached = _words.get(key)
    if cached is None:
        reading = upright_reading(path, image.convert("L"), key[1])
        cached = _words.put(key, (reading.turned, word_boxes(reading.data)))
    degrees, words = cached
    return turned(image, degrees), words


def highlighted(image, pieces: list[tuple[str, Box]], quote: str, pages: int) -> PageImage:
    """``image`` as PNG with the boxes of the ``pieces`` that spell ``quote`` painted over."""
    from PIL import Image, ImageDraw

    merged = _merged(_boxes(pieces, quote))
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for left, top, right, bottom in merged:
        draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=(255, 214, 0, 110))
    painted = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    painted.save(buffer, "PNG", compress_level=1)
    return PageImage(buffer.getvalue(), image.width, image.height, merged, pages)
