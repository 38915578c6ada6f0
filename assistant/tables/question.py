"""What a question asks of one table: a cell of the rows it names (a lookup), the row
with the latest, earliest, largest or smallest value of a column, or how many rows
there are (those with a value it names, or all)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.tables.match import as_number, columns_named, header_stems, is_date, keys_of, normal, phrases, tokens
from index.documents import Table, TableRow
from index.terms import STOPWORDS, stem

_COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.IGNORECASE)
_LATEST = re.compile(r"\b(latest|newest|most recent|most recently|last|recently)\b", re.IGNORECASE)
_EARLIEST = re.compile(r"\b(earliest|oldest|first)\b", re.IGNORECASE)
_LARGEST = re.compile(r"\b(highest|largest|biggest|greatest|maximum|max|most expensive|longest|top)\b", re.IGNORECASE)
_SMALLEST = re.compile(r"\b(lowest|smallest|least|fewest|minimum|min|cheapest|shortest)\b", re.IGNORECASE)
_WHICH_ROW = re.compile(r"^\W*(?:which|what)\s+(\w+)", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_ORDER_WORDS = {stem(w) for w in "latest newest recent recently last earliest oldest first highest largest biggest "
                "greatest maximum max expensive longest top lowest smallest least fewest minimum min cheapest "
                "shortest many count number listed list table row rows".split()}


@dataclass(frozen=True)
class Asked:
    kind: str  # "lookup" | "extreme" | "count"
    rows: tuple[TableRow, ...]  # the rows the answer comes from, in the table's order (count: all counted)
    column: int | None  # the column whose cell answers; None: the row itself answers (its label)
    named: bool  # the question names a row by a key (lookup) or a value (filter)


def column_kind(table: Table, column: int) -> str:
    """``date``, ``number`` or ``text``: what most of the column's cells hold."""
    cells = [r.cells[column] for r in table.rows if column < len(r.cells) and r.cells[column]]
    if not cells:
        return "text"
    if sum(is_date(c) for c in cells) >= 0.8 * len(cells):
        return "date"
    if sum(as_number(c) is not None for c in cells) >= 0.8 * len(cells):
        return "number"
    return "text"


def cell(row: TableRow, column: int) -> str:
    return row.cells[column] if column < len(row.cells) else ""


def uniqueness(table: Table, column: int) -> float:
    """Distinct values per filled cell: 1.0 for a key column (names, versions, ids)."""
    cells = [cell(r, column) for r in table.rows if cell(r, column)]
    return len(set(cells)) / len(cells) if cells else 0.0


def keyed_rows(table: Table, question: str) -> tuple[list[TableRow], set[int]]:
    """The rows whose key values the question names, and those columns. A match in a
    column of distinct values (a name, a version) counts more than one in a column of
    repeated values ("2" as a version beats "2" as a quantity)."""
    said = phrases(question)
    weight = [uniqueness(table, c) for c in range(len(table.header))]
    best: list[TableRow] = []
    best_score, columns = 0.0, set()
    for row in table.rows:
        matched = {i for i, value in enumerate(row.cells) if keys_of(value) & said}
        score = round(sum(weight[i] if i < len(weight) else 0.0 for i in matched), 6)
        if score and score > best_score:
            best, best_score, columns = [row], score, matched
        elif score and score == best_score:
            best.append(row)
            columns |= matched
    return best, columns


def filtered_rows(table: Table, question: str, order_column: int | None) -> tuple[list[TableRow], bool]:
    """The rows holding a value the question names beyond the table's own words ("LTS",
    a year), or all rows when it names none."""
    own = {w for name in (*table.header, table.title) for w in header_stems(name)} | _ORDER_WORDS
    wanted = [t for t in tokens(question)
              if t not in STOPWORDS and stem(t) not in own and len(t) > 1]
    dated = order_column is not None and column_kind(table, order_column) == "date"
    for value in wanted:
        if _YEAR.fullmatch(value) and dated:
            rows = [r for r in table.rows if cell(r, order_column).startswith(value)]
        else:
            rows = [r for r in table.rows if any(value in normal(c).split() for c in r.cells)]
        if rows and len(rows) < len(table.rows):
            return rows, True
    return list(table.rows), False


def understand(table: Table, question: str) -> Asked | None:
    """What ``question`` asks of ``table``; ``None`` when it names neither a row nor a
    column of it nor asks for a count or an extreme."""
    rows, key_columns = keyed_rows(table, question)
    named = [m.index for m in columns_named(question, table.header)]
    titled = bool(set(header_stems(table.title)) & {stem(t) for t in tokens(question)})
    answer_columns = [c for c in named if c not in key_columns]
    which = _WHICH_ROW.match(question)
    asks_for_row = bool(which) and stem(which.group(1).lower()) in set(header_stems(table.title)) \
        and not (answer_columns and _names_key_column(table, answer_columns[0], which.group(1)))
    column = None if asks_for_row else (answer_columns[0] if answer_columns else None)
    if rows:
        return Asked("lookup", tuple(rows), column, True)
    if not (named or titled):
        return None  # an extreme or a count of what? Not of this table: it names none of it
    direction = _direction(question)
    if direction:
        order = _order_column(table, question, named, direction)
        if order is not None:
            candidates, filtered = filtered_rows(table, question, order)
            valued = [r for r in candidates if _sortable(cell(r, order))]
            if valued:
                pick = (max if direction in ("latest", "largest") else min)(valued, key=lambda r: _key(cell(r, order)))
                rest = [c for c in answer_columns if c != order]
                return Asked("extreme", (pick,), None if asks_for_row else (rest[0] if rest else None), filtered)
    if _COUNT.search(question):
        order = next((c for c in named if column_kind(table, c) == "date"), None)
        counted, filtered = filtered_rows(table, question, order)
        return Asked("count", tuple(counted), None, filtered)
    if named:
        return Asked("lookup", (), column, False)
    return None


def _names_key_column(table: Table, column: int, word: str) -> bool:
    """Whether "which ``word``" names a column of distinct names ("Which time zone …" in a table of
    time zones): its cell answers, not the row's label; a date or number column ("Which release
    …" beside a release-date column) does not."""
    return (stem(word.lower()) in header_stems(table.header[column]) and column_kind(table, column) == "text"
            and uniqueness(table, column) >= 0.9)


def _direction(question: str) -> str | None:
    for name, pattern in (("latest", _LATEST), ("earliest", _EARLIEST), ("largest", _LARGEST),
                          ("smallest", _SMALLEST)):
        if pattern.search(question):
            return name
    return None


def _order_column(table: Table, question: str, named: list[int], direction: str) -> int | None:
    """The column an extreme is taken over: a named date or number column, else the table's
    first date column for time words (release-like headers first), first number column for size words."""
    wanted = ("date",) if direction in ("latest", "earliest") else ("number", "date")
    for c in named:
        if column_kind(table, c) in wanted:
            return c
    kinds = [(i, column_kind(table, i)) for i in range(len(table.header))]
    preferred = [i for i, k in kinds if k in wanted and {"releas", "date", "publish"} & set(header_stems(table.header[i]))]
    fallback = [i for i, k in kinds if k in wanted]
    return (preferred or fallback or [None])[0]


def _sortable(value: str) -> bool:
    return bool(value) and (is_date(value) or as_number(value) is not None)


def _key(value: str):
    number = as_number(value)
    return (1, value) if number is None else (0, number)
