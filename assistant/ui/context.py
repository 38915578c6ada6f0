"""The text around a quote as whole sentences: the sentence before it and the
one after, within the passage, never cut mid-word."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*")
LIMIT = 320  # characters of context at most on each side


def before(text: str, lo: int, limit: int = LIMIT) -> str:
    """The sentence of ``text`` before the quote that starts at ``lo`` (or, when the
    quote starts mid-sentence, that sentence's beginning)."""
    window_start = max(0, lo - limit)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, window_start, lo) if m.end() <= lo]
    if ends and ends[-1] == lo:
        ends.pop()
    if ends:
        return text[ends[-1]:lo]
    if window_start == 0:
        return text[:lo]
    space = text.find(" ", window_start, lo)
    return "… " + text[space + 1:lo] if space >= 0 else ""


def after(text: str, hi: int, limit: int = LIMIT) -> str:
    """The sentence of ``text`` that follows the quote ending at ``hi``."""
    window_end = min(len(text), hi + limit)
    first = next((m for m in _SENTENCE_END.finditer(text, hi, window_end) if m.start() > hi), None)
    if first is not None:
        return text[hi:first.start() + 1].rstrip()
    if window_end == len(text):
        return text[hi:]
    space = text.rfind(" ", hi, window_end)
    return text[hi:space] + " …" if space > hi else ""
