"""Ruled tables on PDF pages, found by pdfplumber, so a PDF's table is kept as a table (a
header and rows, each row a record that names its columns) and not as lines of values
whose columns are lost ("11 Bullseye bullseye 2019-07-06 2021-08-14").

pdfplumber finds a table by the lines that rule it (its default "lines" strategy); a
table ruled only across — top, under the header, bottom, as booktabs draws it — is found
from its words between those rules (``pdf_open_tables``); a table drawn without rules stays
lines of text. pdfplumber parses a page in Python (about 0.1 s), so only pages that draw a
grid's rules or three rules of one width, which pdfium tells cheaply, are given to it: 12 of
the Developer's Reference's 114 pages (29 counting any four paths; the boxes around code
listings are drawn with paths too), 3 of the New Maintainers' Guide's 63. A table must have
two rows and two columns with values, so a framed note or a boxed code listing is not one.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.loaders import pdf_marks
from index.loaders.pages import LIGATURES
from index.loaders.pdf_open_tables import THIN, FoundTable, Rule, Side, Word, rule_groups, tables_in
from index.loaders.sheets import holds_data

MIN_RULES = 3  # rules each way: a table of two rows and two columns, ruled all round
MARGIN = 0.5  # points: text this close to a table's frame is the table's
# pdfminer writes a glyph it cannot map to Unicode as "(cid:N)", N the font's own code. In TeX's T1
# fonts, which carry no Unicode map, codes below 32 are the ligatures, quotes and dashes that pdfium
# gives as control characters ("o(cid:30)ce" is "office"): they are translated as the page's text is.
UNMAPPED = re.compile(r"\(cid:(\d+)\)")


def ruled(page) -> bool:
    """Whether a pdfium page draws the rules of a grid (``MIN_RULES`` thin horizontal and as
    many thin vertical paths) or of a table ruled only across (three rules of one width), on
    an unrotated page whose box starts at the origin (where pdfplumber's and pdfium's
    coordinates agree). Call it holding ``index.pdfium.LOCK``."""
    import pypdfium2.raw as raw

    if page.get_rotation() or any(page.get_cropbox()[:2]) or any(page.get_mediabox()[:2]):
        return False
    across: list[Rule] = []
    down = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type != raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        if top - bottom <= THIN and right - left >= 2 * THIN:
            across.append(Rule(left, right, -top))
        down += right - left <= THIN and top - bottom >= 2 * THIN
        if len(across) >= MIN_RULES and down >= MIN_RULES:
            return True
    return bool(rule_groups(across))


def find(path: Path, pages: set[int]) -> dict[int, tuple[FoundTable, ...]]:
    """The tables on the given pages (0-based), top to bottom, by page."""
    if not pages:
        return {}
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    found: dict[int, tuple[FoundTable, ...]] = {}
    try:
        with pdfplumber.open(path) as pdf:
            for index in sorted(pages):
                page = pdf.pages[index]
                grids = [t for t in map(_table, page.find_tables()) if t is not None]
                kept = tuple(sorted([*grids, *_open_tables(page, grids)], key=lambda t: t.top))
                if kept:
                    found[index] = kept
    except (PDFSyntaxError, ValueError, KeyError, IndexError):  # pdfium read it; its text stands alone
        return {}
    return found


def _table(table) -> FoundTable | None:
    rows = tuple(tuple(" ".join(mapped(cell or "").split()) for cell in row) for row in table.extract())
    if not holds_data(rows):
        return None
    x0, top, x1, bottom = table.bbox
    return FoundTable(x0, top, x1, bottom, tuple(row for row in rows if any(row)))


def mapped(text: str) -> str:
    """``text`` with pdfminer's unmapped glyphs (``UNMAPPED``) as the page's text has them; one
    with no such meaning is left out rather than kept as "(cid:N)"."""
    def glyph(found: re.Match) -> str:
        code = int(found.group(1))
        if code >= 32:
            return ""
        spelled = chr(code).translate(LIGATURES)
        return "" if spelled == chr(code) else spelled

    return UNMAPPED.sub(glyph, text)


def _open_tables(page, grids: list[FoundTable]) -> list[FoundTable]:
    """The tables of a pdfplumber page ruled only across, outside its ``grids``."""
    rules = [Rule(e["x0"], e["x1"], e["top"]) for e in (*page.lines, *page.rects)
             if e["bottom"] - e["top"] <= THIN]
    if not rule_groups(rules):
        return []
    sides = [Side(e["x0"], e["top"], e["bottom"]) for e in (*page.lines, *page.rects) if e["x1"] - e["x0"] <= THIN]
    words = [Word(mapped(w["text"]), w["x0"], w["x1"], w["top"], w["bottom"]) for w in page.extract_words()]
    return [t for t in tables_in(rules, words, sides)
            if not any(t.top < g.bottom and g.top < t.bottom and t.x0 < g.x1 and g.x0 < t.x1 for g in grids)]


def text_around(textpage, width: float, height: float, tables: tuple[FoundTable, ...], mark, page=None) -> str:
    """A pdfium text page's text outside ``tables``, in the page's own reading order (a
    two-column paper's columns one after the other), with ``mark(i)`` on a line of its own
    where table ``i``'s first character stands."""
    chars = pdf_marks.marked_chars(textpage, page)  # its soft hyphens ("\ufffe") are rejoined by the page cleaning
    if chars is None:  # characters outside the basic plane: fall back to bands of the page
        return _text_in_bands(textpage, width, height, tables, mark)
    frames = [(t.x0 - MARGIN, height - t.bottom - MARGIN, t.x1 + MARGIN, height - t.top + MARGIN) for t in tables]
    parts, shown = [], set()
    for i, char in enumerate(chars):
        left, bottom, right, top = textpage.get_charbox(i)
        x, y = (left + right) / 2, (bottom + top) / 2
        inside = next((n for n, (x0, y0, x1, y1) in enumerate(frames) if x0 <= x <= x1 and y0 <= y <= y1
                       and right > left), None)
        if inside is None:
            parts.append(char)
        elif inside not in shown:
            shown.add(inside)
            parts.append(f"\n{mark(inside)}\n")
    parts.extend(f"\n{mark(n)}\n" for n in range(len(tables)) if n not in shown)
    return "\n".join(line for line in "".join(parts).split("\n") if line.strip())  # not splitlines: \x1c is a ligature


def _text_in_bands(textpage, width: float, height: float, tables: tuple[FoundTable, ...], mark) -> str:
    """``text_around`` read band by band: above each table, the table's mark, beside it."""
    parts, above = [], height
    for i, table in enumerate(tables):
        top, bottom = height - table.top, height - table.bottom
        parts.append(textpage.get_text_bounded(0, top + MARGIN, width, above))
        parts.append(mark(i))
        parts.append(textpage.get_text_bounded(0, bottom, table.x0 - MARGIN, top))
        parts.append(textpage.get_text_bounded(table.x1 + MARGIN, bottom, width, top))
        above = bottom - MARGIN
    parts.append(textpage.get_text_bounded(0, 0, width, above))
    return "\n".join(part for part in parts if part.strip())
