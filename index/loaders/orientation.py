"""Scanned pages that lie on their side or upside down, read upright.

Tesseract reads a page turned by 90° or 180° as gibberish with low confidence: on a page
of the New Maintainers' Guide at 200 dpi, the median word confidence is 96 upright, 33
turned a quarter and 34 upside down (Tesseract 5.3; a page turned 270° it reads at 96
itself). So a page whose median confidence is under ``ocr.LOW_CONFIDENCE``
is put to Tesseract's orientation detection (``--psm 0``, about 1 s a page), turned as
it says, and read again; the second reading is kept only when it is more confident.
Upright pages cost nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.loaders import ocr


@dataclass(frozen=True)
class Reading:
    data: dict  # Tesseract's words (``image_to_data``), in the pixels of the image turned by ``turned``
    turned: int = 0  # degrees the page was turned clockwise to be read upright

    def upright(self, image):
        """``image`` turned as this reading was."""
        return turned(image, self.turned)


def turned(image, degrees: int):
    """``image`` turned ``degrees`` clockwise."""
    return image.rotate(-degrees, expand=True) if degrees else image


def upright_reading(path: Path, image, number: int) -> Reading:
    """Page ``number``'s words, read upright."""
    first = Reading(ocr.image_data(path, image, number))
    if not 0 <= median_confidence(first.data) < ocr.LOW_CONFIDENCE:
        return first
    turn = _orientation(image)
    if not turn:
        return first
    second = Reading(ocr.image_data(path, turned(image, turn), number), turn)
    return second if median_confidence(second.data) > median_confidence(first.data) else first


def median_confidence(data: dict) -> float:
    """The median confidence (0-100) of the words read; -1 when none were."""
    confidences = sorted(float(c) for w, c in zip(data["text"], data["conf"]) if (w or "").strip())
    return confidences[len(confidences) // 2] if confidences else -1.0


def _orientation(image) -> int:
    """How many degrees clockwise Tesseract would turn the page (0 when it cannot tell)."""
    import pytesseract

    try:
        found = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:  # "Too few characters", or no osd.traineddata
        return 0
    return int(found.get("rotate", 0)) % 360
