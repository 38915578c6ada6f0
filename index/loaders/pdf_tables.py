"""Ruled tables on PDF pages, found by pdfplumber, so a PDF's table is kept as a table (a
header and rows, each row a record that names its columns) and not as lines of values
whose columns are lost ("11 Bullseye bullseye 2019-07-06 2021-08-14").

pdfplumber finds a table by the lines that rule it (its default "lines" strategy); a
table drawn without rules stays lines of text. pdfplumber parses a page in Python
(about 0.1 s), so only pages that draw a grid's rules, which pdfium tells cheaply, are
given to it: 12 of the Developer's Reference's 114 pages (29 counting any four paths;
the boxes around code listings are drawn with paths too), 3 of the New Maintainers'
Guide's 63. A table must have two
rows and two columns with values, so a framed note or a boxed code listing is not one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.loaders.sheets import holds_data

MIN_RULES = 3  # rules each way: a table of two rows and two columns, ruled all round
THIN = 2.0  # points: a path this narrow is a rule
MARGIN = 0.5  # points: text this close to a table's frame is the table's


@dataclass(frozen=True)
class FoundTable:
    """A table's frame in points from the page's top left, and its rows of cells."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]


def ruled(page) -> bool:
    """Whether a pdfium page draws the rules of a grid (``MIN_RULES`` thin horizontal and as
    many thin vertical paths), on an unrotated page whose box starts at the origin (where
    pdfplumber's and pdfium's coordinates agree). Call it holding ``index.pdfium.LOCK``."""
    import pypdfium2.raw as raw

    if page.get_rotation() or any(page.get_cropbox()[:2]) or any(page.get_mediabox()[:2]):
        return False
    across = down = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type != raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        across += top - bottom <= THIN and right - left >= 2 * THIN
        down += right - left <= THIN and top - bottom >= 2 * THIN
        if across >= MIN_RULES and down >= MIN_RULES:
            return True
    return False


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
                tables = [_table(t) for t in pdf.pages[index].find_tables()]
                kept = tuple(sorted((t for t in tables if t is not None), key=lambda t: t.top))
                if kept:
                    found[index] = kept
    except (PDFSyntaxError, ValueError, KeyError, IndexError):  # pdfium read it; its text stands alone
        return {}
    return found


def _table(table) -> FoundTable | None:
    rows = tuple(tuple(" ".join((cell or "").split()) for cell in row) for row in table.extract())
    if not holds_data(rows):
        return None
    x0, top, x1, bottom = table.bbox
    return FoundTable(x0, top, x1, bottom, tuple(row for row in rows if any(row)))


def text_around(textpage, width: float, height: float, tables: tuple[FoundTable, ...], mark) -> str:
    """A pdfium text page's text outside ``tables``, with ``mark(i)`` on a line of its own
    where table ``i`` stands (text beside a table follows it)."""
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
