"""What a question asks of one table: a cell of the rows it names (a lookup), the row
with the latest, earliest, largest or smallest value of a column, how many rows
there are (those with a value it names, or all), the total or average of a column
of numbers over those rows, or which rows they are (a list). A name, a year or a
comparison the rows cannot be picked by makes no count, total or list of other rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.tables.match import as_number, columns_named, header_stems, is_date, keys_of, normal, phrases, tokens
from index.documents import Table, TableRow
from index.terms import STOPWORDS, stem

_COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.IGNORECASE)
_LATEST = re.compile(r"\b(latest|newest|most recent|most recently|last|recently)\b", re.IGNORECASE)
_EARLIEST = re.compile(r"\b(earliest|oldest|first)\b", re.IGNORECASE)
_LARGEST = re.compile(r"\b(highest|largest|biggest|greatest|maximum|max|most expensive|longest|top)\b", re.IGNORECASE)
_SMALLEST = re.compile(r"\b(lowest|smallest|least|fewest|minimum|min|cheapest|shortest)\b", re.IGNORECASE)
_TOTAL = re.compile(r"\b(total|sum|altogether|combined|in all)\b", re.IGNORECASE)
_AVERAGE = re.compile(r"\b(average|mean)\b", re.IGNORECASE)
_SUMMARY_ROW = {"total", "totals", "sum", "all", "overall", "grand total", "average", "mean"}  # sums the other rows
_LIST = re.compile(r"^\W*(?:which|what|list|name|show|give)\b", re.IGNORECASE)
_WHICH_ROW = re.compile(r"^\W*(?:which|what|(?:list|name|show)(?:\s+(?:the|all))?)\s+(\w+)", re.IGNORECASE)
_PARTS = re.compile(r"[^\W\d_]+")
_NAMED = re.compile(r"\b[A-Z][\w-]*")  # the first is the question's first word, capitalised as a sentence opens
_NUMBERED = re.compile(r"(?<![\w.])\d[\w.-]*\w|(?<![\w.])\d\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# a value compared, not named: no row's value is it ("after 2009", "more than 200")
_COMPARED = re.compile(r"\b(?:before|after|since|until|till|earlier|later|prior to|older|newer|more than|less than|"
                       r"fewer than|over|under|above|below|at least|at most)\b", re.IGNORECASE)
_ORDER_WORDS = {stem(w) for w in "latest newest recent recently last earliest oldest first highest largest biggest "
                "greatest maximum max expensive longest top lowest smallest least fewest minimum min cheapest "
                "shortest many count number listed list table row rows total sum altogether combined average mean"
                .split()}


@dataclass(frozen=True)
class Asked:
    kind: str  # "lookup" | "extreme" | "count" | "total" | "average" | "list"
    rows: tuple[TableRow, ...]  # the rows the answer comes from, in the table's order (count, total, list: all)
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
    """The rows holding every value the question names beyond the table's own words ("LTS",
    a year; two years on a date column name the years from one to the other), or all rows
    when it names none. A word no row holds, or every row holds, filters nothing."""
    own = _own_words(table.header)
    wanted = [t for t in tokens(question)
              if t not in STOPWORDS and stem(t) not in own and len(t) > 1]
    dated = order_column is not None and column_kind(table, order_column) == "date"
    years = sorted({int(v) for v in wanted if _YEAR.fullmatch(v)}) if dated else []
    tests = [lambda r, v=v: any(_holds(c, v) for c in r.cells) for v in wanted if not (years and _YEAR.fullmatch(v))]
    if years:
        tests.append(lambda r: _in_years(cell(r, order_column), years))
    rows = list(table.rows)
    for test in tests:
        kept = [r for r in rows if test(r)]
        if kept and len(kept) < len(rows):
            rows = kept
    return rows, len(rows) < len(table.rows)


def _own_words(names) -> set[str]:
    """The stems of a table's own words (its headers, and the title when given), and of the words
    that order or count rows: none of them names a row."""
    return {w for name in names for w in header_stems(name)} | _ORDER_WORDS


def _in_years(date: str, years: list[int]) -> bool:
    """Whether ``date`` falls in the years from the first of ``years`` to the last."""
    return date[:4].isdigit() and years[0] <= int(date[:4]) <= years[-1]


def _holds(cell_text: str, value: str) -> bool:
    """Whether a cell holds a word the question says: one of its words, of a name's parts
    ("Australia" in "Australia/Sydney"), or a date's year."""
    text = normal(cell_text)
    return (value in text.split() or (value.isalpha() and value in _PARTS.findall(text))
            or bool(_YEAR.fullmatch(value)) and is_date(cell_text) and cell_text.strip().startswith(value))


def names_absent(table: Table, question: str) -> bool:
    """Whether the question names something no row holds: a name (capitalised after its first
    word), a number or a code, beyond the table's own words. "Which time zone covers the Chatham
    Islands?" is not about the row of "Whitsunday Islands"; "How many releases came out in 2030?"
    is not about all of them."""
    own = _own_words((*table.header, table.title))
    said = [w for w in _NAMED.findall(question)[1:] if w.lower() not in STOPWORDS and stem(w.lower()) not in own]
    said += [w for w in _NUMBERED.findall(question) if stem(w.lower()) not in own]
    return any(not any(_holds(c, normal(w)) for r in table.rows for c in r.cells) for w in said)


def _date_columns(table: Table, question: str, named: list[int]) -> list[int | None]:
    """The date columns a year of the question may be one of: those it names, else the table's release-like one."""
    return [c for c in named if column_kind(table, c) == "date"] or [_order_column(table, question, named, "latest")]


def _years_absent(table: Table, question: str, named: list[int]) -> bool:
    """Whether the question says years that no date it may mean falls in ("came out in 2030")."""
    years = sorted(int(y) for y in _YEAR.findall(question))
    columns = [c for c in _date_columns(table, question, named) if c is not None]
    if not years or not columns:
        return False
    return not any(_in_years(cell(r, c), years) for r in table.rows for c in columns)


def rows_named(table: Table, question: str, named: list[int]) -> tuple[list[TableRow], bool]:
    """``filtered_rows``, a year taken as one of the first date column the question names that
    has rows in it ("releases whose end of life was in 2024": the end-of-life column), else of
    the table's release-like date column."""
    unfiltered = None
    for order in _date_columns(table, question, named):
        rows, filtered = filtered_rows(table, question, order)
        if filtered:
            return rows, True
        unfiltered = unfiltered or rows
    return unfiltered, False


def understand(table: Table, question: str) -> Asked | None:
    """What ``question`` asks of ``table``; ``None`` when it names neither a row nor a
    column of it nor asks for a count, an extreme, a total or the rows holding a value."""
    rows, key_columns = keyed_rows(table, question)
    named = [m.index for m in columns_named(question, table.header)]
    titled = bool(set(header_stems(table.title)) & {stem(t) for t in tokens(question)})
    answer_columns = [c for c in named if c not in key_columns]
    which = _WHICH_ROW.match(question)
    asks_for_row = bool(which) and stem(which.group(1).lower()) in set(header_stems(table.title)) \
        and not (answer_columns and _names_key_column(table, answer_columns[0], which.group(1)))
    column = None if asks_for_row else (answer_columns[0] if answer_columns else None)

    @cache
    def absent() -> bool:
        """A name, a year or a comparison the rows cannot be picked by: no list, count or total of
        other rows. Asked only of such questions: it reads every cell."""
        return (bool(_COMPARED.search(question)) or names_absent(table, question)
                or _years_absent(table, question, named))

    summed = _summed(table, question, named, rows, key_columns) if _aggregate(question) and not absent() else None
    if summed is not None:
        return summed
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
    if _COUNT.search(question) and not _AVERAGE.search(question) and not absent():
        counted, filtered = rows_named(table, question, named)
        return Asked("count", tuple(counted), None, filtered)
    if _LIST.match(question) and not absent():  # "Which releases came out in 2020?": the rows it names by their values
        listed, filtered = rows_named(table, question, named)
        if filtered:
            return Asked("list", tuple(listed), column, True)
    if named:
        return Asked("lookup", (), column, False)
    return None


def _summed(table: Table, question: str, named: list[int], keyed: list[TableRow],
            key_columns: set[int]) -> Asked | None:
    """The total or average of a column of numbers the question names, over the rows it names
    (by a key, else by a value; else all), leaving out a row that already sums them ("Total"):
    that row answers only when the question names no other."""
    kind = _aggregate(question)
    said = phrases(question)
    column = next((c for c in named if c not in key_columns and _summable(table, c, said)), None)
    if kind is None or column is None:
        return None
    rows = [r for r in keyed if not _sums_the_rest(r)]
    named_rows = bool(rows)
    if not rows:
        rows, named_rows = rows_named(table, question, named)
        if keyed and not named_rows:
            return None
    rows = [r for r in rows if as_number(cell(r, column)) is not None and not _sums_the_rest(r)]
    return Asked(kind, tuple(rows), column, named_rows) if rows else None


def _aggregate(question: str) -> str | None:
    """``"average"`` or ``"total"`` when the question asks for one."""
    return "average" if _AVERAGE.search(question) else "total" if _TOTAL.search(question) else None


def _summable(table: Table, column: int, said: set[str]) -> bool:
    """A column of amounts: numbers, not years, and none of them a value the question names (a filter)."""
    cells = [cell(r, column) for r in table.rows if cell(r, column)]
    return (column_kind(table, column) == "number" and not all(_YEAR.fullmatch(c.strip()) for c in cells)
            and not any(keys_of(c) & said for c in cells))


def _sums_the_rest(row: TableRow) -> bool:
    return normal(cell(row, 0)) in _SUMMARY_ROW


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
