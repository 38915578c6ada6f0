"""Underscores that a PDF draws as short rules instead of setting them as characters.

TeX's ``\\_`` in a font without an underscore glyph (texinfo's function and parameter
names outside typewriter type, LaTeX's OT1 text fonts) is a thin filled rule on the
baseline. pdfium has no character for it and reads ``asn1_node`` as "asn1 node", a
name no search matches and no answer quotes as the manual writes it. Each such rule
that lies alone in the gap between two characters of one line is written back as
``_``, in place of pdfium's space there.
"""

from __future__ import annotations

import ctypes

THICK = 0.2  # a drawn underscore is at most this share of its text's size thick,
LONG = (0.2, 1.0)  # and between these shares of it long (a rule under a heading runs longer)
GAP = 0.6  # it lies within this share of the text's size of the characters either side
ON_BASELINE = 0.35  # its foot lies within this share of the text's size of their baseline
MOST_RULES = 500  # a page drawing more short thin rules than this is a figure: not searched
LOOK = 6  # characters either side, in reading order, of the one pdfium finds near a rule


def underscores(page, glyphs) -> dict[int, str]:
    """What characters of the page (``pdf_marks.Glyphs``) read as where a drawn underscore
    stands: the space between two words, or the character before it."""
    rules = [bounds for bounds in _paths(page) if _thin(bounds)]
    if len(rules) > MOST_RULES:
        return {}
    chars, written = glyphs.chars, {}
    for rule in rules:
        before = _before(glyphs, rule)
        if before is None:
            continue
        after = before + 1
        while after < len(chars) and chars[after] == " ":
            after += 1
        if after < len(chars) and _between(glyphs, before, after, rule):
            if after > before + 1:
                written.update({before + 1: "_", **{i: "" for i in range(before + 2, after)}})
            else:
                written[before] = chars[before] + "_"
    return written


def _paths(page) -> list[tuple[float, float, float, float]]:
    """The bounds of the page's own path objects, through pdfium's C interface: a manual's page
    draws hundreds, and wrapping each as a Python object cost more than the rest of this."""
    import pypdfium2.raw as raw

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    found = []
    for n in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, n)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_PATH and raw.FPDFPageObj_GetBounds(
                obj, left, bottom, right, top):
            found.append((left.value, bottom.value, right.value, top.value))
    return found


def _before(glyphs, rule: tuple[float, float, float, float]) -> int | None:
    """The printed character ending just left of ``rule`` on its line: pdfium finds a character
    near the rule, and the few around it in reading order are looked at."""
    left, bottom, right, _ = rule
    near = glyphs.textpage.get_index((left + right) / 2, bottom + 2, (right - left) / 2 + 6, 6)
    if near is None:
        return None
    best, edge = None, -1e9
    for i in range(max(near - LOOK, 0), min(near + LOOK + 1, len(glyphs.chars))):
        if glyphs.chars[i].strip() and glyphs.sizes[i] > 0:
            box = glyphs.textpage.get_charbox(i)
            if edge < box[2] <= left + 0.5 and abs(glyphs.base(i) - bottom) <= ON_BASELINE * glyphs.sizes[i]:
                best, edge = i, box[2]
    return best


def _thin(bounds: tuple[float, float, float, float]) -> bool:
    """A first cut in points, before the size of the text beside it is known (``_between``)."""
    left, bottom, right, top = bounds
    return 0 < top - bottom <= 3 and 1 <= right - left <= 15


def _between(glyphs, before: int, after: int, rule: tuple[float, float, float, float]) -> bool:
    """Whether ``rule`` is an underscore between characters ``before`` and ``after`` of one line."""
    left, bottom, right, top = rule
    size = glyphs.sizes[before]
    if not (glyphs.chars[after].strip() and top - bottom <= THICK * size
            and LONG[0] * size <= right - left <= LONG[1] * size):
        return False
    first, second = glyphs.textpage.get_charbox(before), glyphs.textpage.get_charbox(after)
    return (left - first[2] <= GAP * size and -0.5 <= second[0] - right <= GAP * size
            and abs(glyphs.base(after) - glyphs.base(before)) <= ON_BASELINE * size)
