"""Raised small characters in a PDF's text: reference marks, footnote marks, exponents.

pdfium gives a superscript as plain characters glued to their neighbours, so a paper's
"estimated at 2.7³⁻⁵" reads "estimated at 2.735", "mammals¹˒²." reads "mammals1,2." and
"transmission⁶ in" reads "transmission6in": a wrong number, and words no search or
reader matches. Here each page's characters are read with their font size and baseline,
and a run of characters set smaller and higher than the text before it (or, at a line's
start, after it) is written as what it is:

- a reference or footnote mark (digits, commas, dashes) as ``[3–5]``, apart from its word;
- an exponent (after ``10``, a one-letter symbol, or a unit after a number: "12 m²") in
  Unicode superscript digits;
- a degree sign as ``°``;
- anything else (letters: "1st", affiliations) as it is.
"""

from __future__ import annotations

import ctypes
import re

from index.loaders import pdf_rules
from index.loaders.pages import LIGATURES

SMALLER = 0.85  # a superscript's size is at most this share of its text's
RAISED = 0.2  # its baseline lies at least this share of the text's size above the text's
WORD_GAP = 0.25  # a gap wider than this share of the text's size between two characters is a space
SAME_LINE = 0.7  # baselines closer than this share of the text's size are one line (lines lie over 1.0 apart)
LOOK = 8  # how many characters back (or on) its text's character may lie, on its line
CITATION = re.compile(r"[\d\s,;\-–—−]*\d[\d\s,;\-–—−]*")
EXPONENT = re.compile(r"[-−–+]?\d{1,2}")
SUPERSCRIPT = str.maketrans("0123456789-−–+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁻⁺")
DEGREE = frozenset("◦∘°o")
UNITS = frozenset("m cm mm km nm µm μm s ms g kg mg µg μg l L ml mL mol Pa N J W K Hz h ft in yd mi".split())
NOT_SYMBOLS = frozenset("aI")  # one-letter words, not symbols
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
SMALL_BASE = re.compile(r"\d{1,2}")  # "2³¹", "10⁶": a power; after "2.7" or "2020" a mark is a reference


def page_text(textpage, page=None) -> str:
    """The page's text as pdfium gives it, with its superscripts written as they read, and
    with the underscores ``page`` draws as rules (``pdf_rules``)."""
    marked = marked_chars(textpage, page)
    return textpage.get_text_bounded() if marked is None else "".join(marked)


def marked_chars(textpage, page=None) -> list[str] | None:
    """What each of the page's characters reads as: itself, or, for the first of a
    superscript run, the run written out (the run's other characters read as ""); None
    when pdfium's characters do not map one to one to its text (outside the basic plane)."""
    count = textpage.count_chars()
    chars = textpage.get_text_range(0, count)
    if len(chars) != count:
        return None
    glyphs = Glyphs(textpage, chars)
    out = list(chars)
    if page is not None:
        for i, written in pdf_rules.underscores(page, glyphs).items():
            out[i] = written
    _join_shifted_lines(glyphs, out)
    _write_superscripts(glyphs, out)
    return out


class Glyphs:
    """A page's characters with their font sizes, and their baselines as asked for (most
    characters sit beside others of their size, and their baseline is never needed)."""

    def __init__(self, textpage, chars: str):
        import pypdfium2.raw as raw

        self.textpage, self.chars, self._raw = textpage, chars, raw
        self.sizes = [raw.FPDFText_GetFontSize(textpage.raw, i) for i in range(len(chars))]
        self._largest = max(self.sizes, default=0.0)
        self._bases: dict[int, float] = {}
        self.joined: set[int] = set()  # the characters of line breaks pdfium made within a line
        self._x, self._y = ctypes.c_double(), ctypes.c_double()

    def base(self, i: int) -> float:
        if i not in self._bases:
            self._raw.FPDFText_GetCharOrigin(self.textpage.raw, i, self._x, self._y)
            self._bases[i] = self._y.value
        return self._bases[i]

    def same_run(self, first: int, i: int) -> bool:
        """Whether character ``i`` is set as character ``first`` is (size and baseline)."""
        return (self.chars[i].strip() != "" and self.sizes[i] == self.sizes[first]
                and abs(self.base(i) - self.base(first)) < 0.1 * self.sizes[first])

    def raised(self, i: int) -> bool:
        """Whether character ``i`` is set smaller than, and above, the text beside it on its line."""
        return self._shifted(i) > 0

    def lowered(self, i: int) -> bool:
        """Whether character ``i`` is set smaller than, and below, the text beside it (a subscript)."""
        return self._shifted(i) < 0

    def _shifted(self, i: int) -> int:
        """1 for a small character set above the text beside it on its line, -1 below, else 0."""
        chars, sizes = self.chars, self.sizes
        if sizes[i] <= 0 or sizes[i] > SMALLER * self._largest or not chars[i].strip():
            return 0
        if all(sizes[j] == sizes[i] for j in (i - 1, i + 1) if 0 <= j < len(chars)):
            return 0  # inside a run of its own size: its run's ends decide (``same_run``)
        for step in (-1, 1):  # the text before it; at a line's start, the text after it
            for j in range(i + step, i + step * (LOOK + 1), step):
                if not 0 <= j < len(chars) or (chars[j] in "\r\n" and j not in self.joined):
                    break
                if chars[j].strip() and sizes[i] <= SMALLER * sizes[j] and abs(self.base(i) - self.base(j)) < sizes[j]:
                    shift = self.base(i) - self.base(j)
                    return 1 if shift >= RAISED * sizes[j] else -1 if shift <= -RAISED * sizes[j] else 0
        return 0


def _join_shifted_lines(glyphs: Glyphs, out: list[str]) -> None:
    """Undo the line breaks pdfium makes where only the baseline moved (around a
    superscript or a subscript), not the line: "H2\\r\\nO" is "H2O"."""
    chars, sizes = glyphs.chars, glyphs.sizes
    for k in range(1, len(chars) - 2):
        if chars[k] != "\r" or chars[k + 1] != "\n" or not chars[k - 1].strip():
            continue
        before, after = k - 1, k + 2
        if abs(glyphs.base(after) - glyphs.base(before)) < SAME_LINE * max(sizes[before], sizes[after]):
            gap = glyphs.textpage.get_charbox(after)[0] - glyphs.textpage.get_charbox(before)[2]
            if gap >= -1:
                out[k], out[k + 1] = (" " if gap > WORD_GAP * sizes[after] else ""), ""
                glyphs.joined.update((k, k + 1))


def _write_superscripts(glyphs: Glyphs, out: list[str]) -> None:
    chars, count = glyphs.chars, len(glyphs.chars)
    raised = [glyphs.raised(i) for i in range(count)]
    i = 0
    while i < count:
        if not raised[i]:
            i += 1
            continue
        end = i
        while end + 1 < count and (raised[end + 1] or glyphs.same_run(i, end + 1)
                                   or (chars[end + 1] == " " and end + 2 < count and raised[end + 2])):
            end += 1
        following = next((j for j in range(end + 1, min(end + 5, count)) if chars[j].strip()), None)
        if following is None or not glyphs.lowered(following):  # over a subscript: a fraction ("½"), as it is
            before = "".join(out[max(0, i - 200) : i]).rsplit("\n", 1)[-1]
            after = "".join(out[end + 1 : end + 4]).lstrip("\r\n")
            out[i : end + 1] = [written(chars[i : end + 1], before, after)] + [""] * (end - i)
        i = end + 1


def written(run: str, before: str, after: str) -> str:
    """A superscript ``run`` as it reads after the line's text ``before`` and before ``after``."""
    mark = run.translate(LIGATURES).strip()
    words = before.split()
    last = before[-1:] if before else ""
    previous = words[-1] if words and last and not last.isspace() else ""
    if mark in DEGREE and previous[-1:].isdigit():
        return "°"
    if EXPONENT.fullmatch(mark) and (_takes_exponent(previous, words[-2] if len(words) > 1 else "")
                                     or (words and SMALL_BASE.fullmatch(words[-1]))):
        return mark.translate(SUPERSCRIPT)
    if CITATION.fullmatch(mark):
        text = "[" + re.sub(r"\s*[-–—−]\s*", "–", mark) + "]"
        return ("" if not last or last.isspace() else " ") + text + (" " if after[:1].isalnum() else "")
    return run


def _takes_exponent(previous: str, earlier: str) -> bool:
    """A one-letter symbol, or a unit after a number ("12 m", "m/s")."""
    if len(previous) == 1 and previous.isalpha() and previous not in NOT_SYMBOLS:
        return True
    unit = previous.rsplit("/", 1)[-1]
    return unit in UNITS and ("/" in previous or bool(NUMBER.fullmatch(earlier)))
