"""How the table answerer writes what it found: a row by its label, a cell with its unit,
a column's total or average, and each row it used cited where it stands."""

from __future__ import annotations

import re

from assistant.answerers.base import decline_message
from assistant.tables.match import as_number
from assistant.tables.question import Asked, cell, column_kind
from assistant.types import Answer, Citation, Passage
from index.documents import TableRow
from index.extras import SourceTable

MAX_CITED = 5  # rows cited by a count, a total, an average or a list
MAX_LISTED = 20  # rows a list names
UNIT = re.compile(r"\(\s*(%|[a-zµ°$€£][a-zA-Z/°µ $€£²³⁻¹]{0,19})\s*\)\s*$")  # "(mm)", "(kg per plant)", not "(TF)"


def row_label(table: SourceTable, row: TableRow) -> str:
    """How a row is named: its first cell, with the first word-valued cell after it when
    the first is a number or a code ("12 (Bookworm)")."""
    first = cell(row, 0)
    for column in range(1, len(table.table.header)):
        value = cell(row, column)
        if value and column_kind(table.table, column) == "text" and not re.fullmatch(r"[\d.\s]*", value):
            if not first:
                return value
            if re.fullmatch(r"[\d.\s\w-]{0,12}", first) and any(ch.isdigit() for ch in first):
                return f"{first} ({value})"
            break
    return first or next((c for c in row.cells if c), "")


def with_unit(table: SourceTable, row: TableRow, column: int) -> str:
    """The cell, and when it is a bare number, the unit its column's header or its row's
    label gives in brackets ("Water use (mm)": "535 mm"; "Blossom-end rot (%)": "4.6%")."""
    value = cell(row, column)
    if as_number(value) is None:
        return value
    return next((w for named in (table.table.header[column], cell(row, 0)) if (w := _in_unit(value, named))), value)


def _in_unit(value: str, named: str) -> str | None:
    """``value`` in the unit ``named`` gives in brackets, if it gives one."""
    found = UNIT.search(named)
    unit = found.group(1).strip() if found else None
    return None if unit is None else f"{value}{unit}" if unit == "%" else f"{value} {unit}"


def citation(n: int, table: SourceTable, row: TableRow, text: str, passages: list[Passage]) -> Citation:
    """Row ``row`` cited, on the page of the passage that holds it (a PDF's table)."""
    page = next((p.page for p in passages if p.source == table.source and p.start <= row.start < p.end), None)
    return Citation(n=n, source=table.source, page=page, start=row.start, end=row.end,
                    quote=text, section=f"{table.table.title}, row {row.number}")


def _labels(table: SourceTable, rows: list[TableRow]) -> str:
    shown = rows[:MAX_CITED]
    return ", ".join(row_label(table, r) for r in shown) + (", …" if len(rows) > len(shown) else "")


def row_citations(table: SourceTable, rows: list[TableRow], passages: list[Passage]) -> list[Citation]:
    """The first ``MAX_CITED`` of ``rows`` cited, numbered from 1."""
    return [citation(i, table, r, table.table.record(r), passages) for i, r in enumerate(rows[:MAX_CITED], 1)]


def marks(citations: list[Citation]) -> str:
    return "".join(f"[{c.n}]" for c in citations)


def _of_rows(table: SourceTable, rows: list[TableRow], said: str, short: str, base: dict) -> Answer:
    """An answer drawn from many rows: ``said``, then the marks of the rows cited."""
    citations = row_citations(table, rows, base["passages"])
    return Answer(answer=f"{said} {marks(citations)}", declined=False, short_answer=short, citations=citations,
                  confidence=0.9, **base)


def summed(values: list[str], average: bool) -> str:
    """The total or average of a column's cells, written as they are: with the most decimals
    any of them has (two more for an average, trailing zeros dropped) and thousands separated
    when they are."""
    numbers = [as_number(v) for v in values]
    decimals = max((len(v.strip().rsplit(".", 1)[1]) if "." in v else 0 for v in values), default=0)
    value = sum(numbers) / len(numbers) if average else sum(numbers)
    places = decimals + 2 if average else decimals
    written = f"{value:,.{places}f}" if any("," in v for v in values) else f"{value:.{places}f}"
    return written.rstrip("0").rstrip(".") if average and "." in written else written


def _aggregated(table: SourceTable, asked: Asked, base: dict) -> Answer:
    rows, column = list(asked.rows), asked.column
    header = table.table.header[column]
    value = summed([cell(r, column) for r in rows], asked.kind == "average")
    short = _in_unit(value, header) or value
    rows_word = "row" if len(rows) == 1 else "rows"
    said = f"{short} — the {asked.kind} of “{header}” over {len(rows)} {rows_word} of “{table.table.title}”: "
    return _of_rows(table, rows, said + _labels(table, rows), short, base)


def _listed(table: SourceTable, asked: Asked, base: dict) -> Answer:
    rows = list(asked.rows)
    values = [with_unit(table, r, asked.column) if asked.column is not None else row_label(table, r) for r in rows]
    short = ", ".join(values[:MAX_LISTED]) + (", …" if len(values) > MAX_LISTED else "")
    return _of_rows(table, rows, f"{short} — {len(rows)} rows of “{table.table.title}”", short, base)


def answered(table: SourceTable, asked: Asked, base: dict) -> Answer:
    rows = list(asked.rows)
    if asked.kind in ("total", "average"):
        return _aggregated(table, asked, base)
    if asked.kind == "list" and len(rows) > 1:
        return _listed(table, asked, base)
    if asked.kind == "count":
        rows_word = "row" if len(rows) == 1 else "rows"
        said = f"{len(rows)} {rows_word} of “{table.table.title}”: {_labels(table, rows)}"
        return _of_rows(table, rows, said, str(len(rows)), base)
    row = rows[0]
    quote = table.table.record(row)
    short = with_unit(table, row, asked.column) if asked.column is not None else row_label(table, row)
    if not short:
        column = table.table.header[asked.column] if asked.column is not None else "it"
        return Answer(answer=f"{decline_message(base['question'])} Row {row.number} of “{table.table.title}” "
                             f"has no {column}.", declined=True, confidence=0.9, **base)
    cited = citation(1, table, row, quote, base["passages"])
    return Answer(answer=f"{short} — “{quote}” [1]", declined=False, short_answer=short, citations=[cited],
                  confidence=0.95 if len(rows) == 1 else 0.6, **base)
