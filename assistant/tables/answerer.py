"""The table answerer: when the best passages are table rows, answer from the table's
cells — a lookup by the row's key and the column's header, the row with an extreme
value, or a count — and cite the rows used. When the question names a column but no
row the table holds ("… of Debian 20?"), it declines: a nearest-looking row is not
an answer.

It answers only what it understands; with an LLM configured, what its rules do not
understand goes to the model as text-to-SQL over the table (``sql``), the SQL shown in
the reply and the rows it returned cited. For anything else (``answer`` returns
``None``) the pipeline asks the prose answerer, as it does when the best passage is not
a row."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.answerers.base import decline_message
from assistant.errors import LLMError, SqlRefused
from assistant.tables import sql
from assistant.tables.match import as_number, header_stems
from assistant.tables.question import Asked, cell, column_kind, understand
from assistant.types import Answer, Citation, Passage
from index.documents import TableRow
from index.extras import Extras, SourceTable
from index.terms import stem, words

if TYPE_CHECKING:
    from assistant.llms import LLM

CONSIDERED = 5  # passages whose tables may hold the answer
MAX_CITED = 5  # rows cited by a count
INTRODUCTION = 200  # characters: a passage ending this close above a table's first row introduces it
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
    for named in (table.table.header[column], cell(row, 0)):
        found = UNIT.search(named)
        if found:
            unit = found.group(1).strip()
            return f"{value}{unit}" if unit == "%" else f"{value} {unit}"
    return value


class TableAnswerer:
    name = "table"

    def __init__(self, tables: Extras, llm: LLM | None = None):
        self.tables = tables
        self.llm = llm

    def claims(self, question: str, passages: list[Passage]) -> list[SourceTable]:
        """The tables to answer from when the best passage is one of their rows: those of
        the best passages in rank order, and any whose title the question says; else none."""
        if not passages:
            return []
        top = passages[0]
        said = set(words(question))
        titled = [source for source, title in self.tables.titles() if set(words(title)) & said]
        found = self.tables.tables_of([*(p.source for p in passages[:CONSIDERED]), *titled])
        if not any(t.source == top.source and t.row_at(top.start) for t in found):
            return []
        rank: dict[tuple[str, int], int] = {}
        for i, p in enumerate(passages[:CONSIDERED]):
            for t in found:
                if t.source == p.source and t.row_at(p.start):
                    rank.setdefault((t.source, t.index), i)
        return sorted(found, key=lambda t: rank.get((t.source, t.index), CONSIDERED))

    def named_lookup(self, question: str, query: str, passages: list[Passage]) -> Answer | None:
        """When the best passage is prose, a lookup the question spells out whole — a row by
        its key and a column by its header ("What is Japan's ISO 3166 code?") — in a table
        of the best passages' documents: a sentence about the table can outrank every row.
        A count or an extreme of a table ("How many country codes are listed?") is taken when
        the best passage introduces that table (the text just above its first row), or when the
        question says the table's title and its rows are among the best passages ("Which Ubuntu
        version was the first?" under a time-zone table's introduction that has "first" too)."""
        sources = list(dict.fromkeys(p.source for p in passages[:CONSIDERED]))
        for table in self.tables.tables_of(sources):
            asked = understand(table.table, query)
            if asked is None or not asked.rows:
                continue
            lookup = asked.kind == "lookup" and asked.named and asked.column is not None
            whole = _introduces(passages[0], table) or (_title_words(table, query) > 0 and _rows_among(passages, table))
            if lookup or (asked.kind in ("count", "extreme") and whole):
                return _answered(table, asked, dict(question=question, rewritten_question=query,
                                                    passages=passages, answerer=self.name))
        return None

    def answer(self, question: str, passages: list[Passage], rewritten: str | None = None) -> Answer | None:
        query = rewritten or question
        tables = self.claims(query, passages)
        if not tables:
            return self.named_lookup(question, query, passages) if passages else None
        named = _by_title(tables, query)
        understood = [(t, a) for t in named for a in [understand(t.table, query)] if a is not None]
        if not understood:
            return self._by_sql(named[0], question, query, passages) if self.llm is not None else None
        table, asked = next(((t, a) for t, a in understood if a.rows), understood[0])
        base = dict(question=question, rewritten_question=query, passages=passages, answerer=self.name)
        if not asked.rows and self.llm is not None:  # the rules found no row; the model's SQL may
            return self._by_sql(table, question, query, passages) or Answer(
                answer=f"{decline_message(question)} No row of “{table.table.title}” matches it.",
                declined=True, confidence=0.9, **base)
        if not asked.rows:
            return Answer(answer=f"{decline_message(question)} No row of “{table.table.title}” matches it.",
                          declined=True, confidence=0.9, **base)
        return _answered(table, asked, base)


    def _by_sql(self, table: SourceTable, question: str, query: str, passages: list[Passage]) -> Answer | None:
        try:
            result = sql.ask(self.llm, table.table, query)
        except (SqlRefused, LLMError):
            return None
        base = dict(question=question, rewritten_question=query, passages=passages, answerer=f"{self.name}+sql")
        shown = f"SQL: {result.sql}"
        if not result.rows:
            return Answer(answer=f"{decline_message(question)} {shown} returned no rows.", declined=True, **base)
        keep = [i for i, c in enumerate(result.columns) if c != "_row"]
        values = ["; ".join(str(r[i]) for i in keep) for r in result.rows[:MAX_CITED]]
        short = values[0] if len(values) == 1 else ", ".join(values)
        by_number = {r.number: r for r in table.table.rows}
        rows = [by_number[n] for n in dict.fromkeys(result.cited) if n in by_number][:MAX_CITED]
        citations = [_citation(i, table, r, table.table.record(r), passages) for i, r in enumerate(rows, 1)]
        marks = "".join(f"[{i}]" for i in range(1, len(citations) + 1))
        return Answer(answer=f"{short} {marks}".rstrip() + f"\n{shown}", declined=False, short_answer=short,
                      citations=citations, confidence=0.5, **base)


def _introduces(passage: Passage, table: SourceTable) -> bool:
    """Whether ``passage`` ends just above ``table``'s first row: its title or the sentence
    that says what it lists."""
    first = min((r.start for r in table.table.rows), default=None)
    return passage.source == table.source and first is not None and 0 <= first - passage.end <= INTRODUCTION


def _rows_among(passages: list[Passage], table: SourceTable) -> bool:
    return any(p.source == table.source and table.row_at(p.start) for p in passages[:CONSIDERED])


def _title_words(table: SourceTable, question: str) -> int:
    """How many words of the table's title the question says; a title word that is also a
    column's ("releases") tells no table apart."""
    said = {stem(w) for w in words(question)}
    columns = {s for h in table.table.header for s in header_stems(h)}
    return len({stem(w) for w in words(table.table.title)} - columns & said)


def _by_title(tables: list[SourceTable], question: str) -> list[SourceTable]:
    """Tables whose title the question says first ("… of Ubuntu 22.04"), keeping rank order."""
    return sorted(tables, key=lambda t: -_title_words(t, question))


def _citation(n: int, table: SourceTable, row: TableRow, text: str, passages: list[Passage]) -> Citation:
    """Row ``row`` cited, on the page of the passage that holds it (a PDF's table)."""
    page = next((p.page for p in passages if p.source == table.source and p.start <= row.start < p.end), None)
    return Citation(n=n, source=table.source, page=page, start=row.start, end=row.end,
                    quote=text, section=f"{table.table.title}, row {row.number}")


def _answered(table: SourceTable, asked: Asked, base: dict) -> Answer:
    rows = list(asked.rows)
    if asked.kind == "count":
        cited = rows[:MAX_CITED]
        short = str(len(rows))
        labels = ", ".join(row_label(table, r) for r in cited) + (", …" if len(rows) > len(cited) else "")
        marks = "".join(f"[{i}]" for i in range(1, len(cited) + 1))
        citations = [_citation(i, table, r, table.table.record(r), base["passages"]) for i, r in enumerate(cited, 1)]
        rows_word = "row" if len(rows) == 1 else "rows"
        return Answer(answer=f"{short} {rows_word} of “{table.table.title}”: {labels} {marks}", declined=False,
                      short_answer=short, citations=citations, confidence=0.9, **base)
    row = rows[0]
    quote = table.table.record(row)
    short = with_unit(table, row, asked.column) if asked.column is not None else row_label(table, row)
    if not short:
        column = table.table.header[asked.column] if asked.column is not None else "it"
        return Answer(answer=f"{decline_message(base['question'])} Row {row.number} of “{table.table.title}” "
                             f"has no {column}.", declined=True, confidence=0.9, **base)
    citation = _citation(1, table, row, quote, base["passages"])
    return Answer(answer=f"{short} — “{quote}” [1]", declined=False, short_answer=short, citations=[citation],
                  confidence=0.95 if len(rows) == 1 else 0.6, **base)

