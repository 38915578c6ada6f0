"""Tables drawn without vertical rules — set between a top rule, a rule under the header and a
bottom rule, as LaTeX's booktabs, journals and most reports draw them — found from the
words between the rules, since pdfplumber's "lines" strategy needs a grid.

Rules of one width that share their left and right ends frame a candidate: the words between
the first and second rule are the header, those down to a later rule the body. The body's
columns are the runs of the x axis that its words cover, split where every line leaves a gap
wider than a word space; a header phrase goes to the columns it lies over (one spanning
several heads them all). Prose between such rules covers the whole width and gives one column,
so it is not a table; nor is a box (rules joined by sides: a code listing, a note), a header
phrase running over every column (prose), or anything with fewer than two rows of two filled
cells.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from index.loaders.sheets import holds_data

THIN = 2.0  # points: a path this narrow is a rule
SAME_END = 2.0  # points: rules whose ends lie this close frame one table
MIN_WIDTH = 60.0  # points: a shorter rule underlines a word, it does not frame a table
GAP = 0.6  # of the words' height: a wider gap on every line separates columns
MAX_HEADER_LINES = 4
MAX_TRIES = 120  # candidate tables tried on one page (each reads the words between its rules)


@dataclass(frozen=True)
class Rule:
    x0: float
    x1: float
    y: float  # from the page's top


@dataclass(frozen=True)
class Side:
    """A vertical rule."""

    x: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class FoundTable:
    """A table's frame in points from the page's top left, and its rows of cells (the first its
    header); ``pdf_tables`` finds ruled grids as these too."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]


def rule_groups(rules: Sequence[Rule]) -> list[list[Rule]]:
    """Rules of one table width, top to bottom, three or more to a group."""
    groups: list[list[Rule]] = []
    for rule in sorted(rules, key=lambda r: r.y):
        if rule.x1 - rule.x0 < MIN_WIDTH:
            continue
        group = next((g for g in groups if abs(g[0].x0 - rule.x0) <= SAME_END and abs(g[0].x1 - rule.x1) <= SAME_END),
                     None)
        if group is None:
            groups.append([rule])
        elif rule.y - group[-1].y > THIN:  # a double rule is one
            group.append(rule)
    return [g for g in groups if len(g) >= 3]


def tables_in(rules: Sequence[Rule], words: Sequence[Word], sides: Sequence[Side] = ()) -> list[FoundTable]:
    """The tables the ``rules`` frame, from the page's ``words``. In a group, a table runs from a
    rule, under its header's rule, down to the lowest later rule that leaves a table; the next
    table of the group starts at the rule after it."""
    found, tries = [], 0  # a lined form draws dozens of rules of one width and holds no table
    for group in rule_groups(rules):
        i = 0
        while i + 2 < len(group):
            table, end = None, i
            for j in range(len(group) - 1, i + 1, -1):
                if tries >= MAX_TRIES:
                    break
                if _boxed(group[i], group[j], sides):
                    continue
                tries += 1
                table = _table(group[i], group[i + 1], group[j], words)
                if table is not None:
                    found.append(table)
                    end = j
                    break
            i = end + 1
    return sorted(found, key=lambda t: t.top)


def _table(top: Rule, under_header: Rule, bottom: Rule, words: Sequence[Word]) -> FoundTable | None:
    inside = [w for w in words if w.x0 >= top.x0 - SAME_END and w.x1 <= top.x1 + SAME_END]
    head = _lines([w for w in inside if top.y < _middle(w) < under_header.y])
    body = _lines([w for w in inside if under_header.y < _middle(w) < bottom.y])
    if not head or len(head) > MAX_HEADER_LINES or len(body) < 2:
        return None
    gap = GAP * statistics.median(w.bottom - w.top for line in body for w in line)
    columns = _columns([p for line in body for p in _phrases(line, gap)])
    if len(columns) < 2:
        return None
    if any(x0 < columns[0][1] and columns[-1][0] < x1 for line in head for x0, x1, _ in _phrases(line, gap)):
        return None  # a line over every column: prose, not a header
    header = [" ".join(c for c in cells if c) for cells in zip(*(_cells(line, columns, gap) for line in head))]
    rows = [tuple(header)]
    for line in body:
        cells = _cells(line, columns, gap)
        filled = [i for i, c in enumerate(cells) if c]
        if len(rows) > 1 and len(filled) == 1 and filled[0] > 0 and rows[-1][filled[0]]:
            rows[-1] = tuple(f"{a} {b}".strip() for a, b in zip(rows[-1], cells))  # a cell's wrapped line
        else:
            rows.append(tuple(cells))
    if not holds_data(rows[1:]) or sum(sum(map(bool, r)) >= 2 for r in rows[1:]) < 0.5 * (len(rows) - 1):
        return None
    return FoundTable(top.x0, top.y, top.x1, bottom.y, tuple(rows))


def _boxed(top: Rule, bottom: Rule, sides: Sequence[Side]) -> bool:
    """Whether a side stands at either end of the rules, between them."""
    return any(min(abs(side.x - top.x0), abs(side.x - top.x1)) <= SAME_END + 1
               and side.top < bottom.y and top.y < side.bottom for side in sides)


def _middle(word: Word) -> float:
    return (word.top + word.bottom) / 2


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words in lines, top to bottom, each line left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and _middle(word) - _middle(lines[-1][0]) < 0.5 * (word.bottom - word.top):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _phrases(line: Sequence[Word], gap: float) -> list[tuple[float, float, str]]:
    """A line's words joined where a word space parts them: ``(x0, x1, text)``."""
    phrases: list[tuple[float, float, str]] = []
    for word in line:
        if phrases and word.x0 - phrases[-1][1] < gap:
            x0, _, text = phrases[-1]
            phrases[-1] = (x0, word.x1, f"{text} {word.text}")
        else:
            phrases.append((word.x0, word.x1, word.text))
    return phrases


def _columns(phrases: Sequence[tuple[float, float, str]]) -> list[tuple[float, float]]:
    """The runs of the x axis the phrases cover, left to right."""
    runs: list[tuple[float, float]] = []
    for x0, x1, _ in sorted(phrases):
        if runs and x0 <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], x1))
        else:
            runs.append((x0, x1))
    return runs


def _cells(line: Sequence[Word], columns: Sequence[tuple[float, float]], gap: float) -> list[str]:
    """A line's phrases in the columns they lie over (each column of a spanning phrase gets it),
    a phrase over none in the nearest."""
    cells = [""] * len(columns)
    for x0, x1, text in _phrases(line, gap):
        over = [i for i, (c0, c1) in enumerate(columns) if x0 < c1 and c0 < x1]
        if not over:
            over = [min(range(len(columns)), key=lambda i: max(columns[i][0] - x1, x0 - columns[i][1]))]
        for i in over:
            cells[i] = f"{cells[i]} {text}".strip()
    return cells
