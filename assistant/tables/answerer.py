"""The table answerer: when the best passages are table rows, answer from the table's
cells — a lookup by the row's key and the column's header, the row with an extreme
value, a count, a column's total or average, or the rows holding a value it names —
and cite the rows used. When the question names a column but no row the table holds
("… of Debian 20?"), it declines: a nearest-looking row is not an answer.

It answers only what it understands; with an LLM configured, what its rules do not
understand goes to the model as text-to-SQL over the table (``sql``), the SQL shown in
the reply and the rows it returned cited. For anything else (``answer`` returns
``None``) the pipeline asks the prose answerer, as it does when the best passage is not
a row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.answerers.base import decline_message
from assistant.errors import LLMError, SqlRefused
from assistant.tables import sql
from assistant.tables.match import header_stems
from assistant.tables.question import understand
from assistant.tables.written import MAX_CITED, answered, marks, row_citations
from assistant.types import Answer, Passage
from index.extras import Extras, SourceTable
from index.terms import stem, words

if TYPE_CHECKING:
    from assistant.llms import LLM

CONSIDERED = 5  # passages whose tables may hold the answer
WHOLE_TABLE = ("count", "extreme", "total", "average")  # asked of a whole table; a list only when a row ranks first
INTRODUCTION = 200  # characters: a passage ending this close above a table's first row introduces it


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
            if lookup or (asked.kind in WHOLE_TABLE and whole):
                return answered(table, asked, dict(question=question, rewritten_question=query,
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
        return answered(table, asked, base)


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
        citations = row_citations(table, rows, passages)
        return Answer(answer=f"{short} {marks(citations)}".rstrip() + f"\n{shown}", declined=False, short_answer=short,
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


