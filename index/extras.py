"""What loaders find beyond a document's text, kept beside the catalog (a SQLite file
of its own, or the shared PostgreSQL database):

- its **tables**, as tables, so that a question about a row or a column is answered
  from the cells, not from text that resembles them;
- its **scan notes**: which pages were read by OCR, and the character spans of the
  words Tesseract was unsure of, so that citations can say so and answers do not
  rest on such words alone.

Written with the catalog on every sync, keyed by source: the catalog says which
documents exist; what belongs to a document that is gone goes with it (``keep_only``)."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, delete, event, insert, select
from sqlalchemy.engine import Engine

from index.documents import Document, TableRow
from index.documents import Table as DocumentTable


@dataclass(frozen=True)
class ScanNotes:
    """A document's pages read by OCR and the spans of its uncertain words, sorted."""

    pages: frozenset[int]
    uncertain: tuple[tuple[int, int], ...]

    def rests_on_uncertain(self, text: str, start: int) -> bool:
        """Whether every word of ``text`` (the document's text from ``start``) is an uncertain one."""
        found = [(start + m.start(), start + m.end()) for m in re.finditer(r"\w\S*", text)]
        return bool(found) and all(self._uncertain(s, e) for s, e in found)

    def _uncertain(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps an uncertain word (the last one starting before ``end``)."""
        i = bisect.bisect_left(self.uncertain, end, key=lambda span: span[0]) - 1
        return i >= 0 and self.uncertain[i][1] > start


metadata = MetaData()
stored = Table("document_tables", metadata,
               Column("collection", String(512), primary_key=True), Column("source", Text, primary_key=True),
               Column("idx", Integer, primary_key=True), Column("doc_hash", String(64), nullable=False),
               Column("title", Text, nullable=False), Column("header", Text, nullable=False),
               Column("rows", Text, nullable=False))
scans = Table("document_scans", metadata,
              Column("collection", String(512), primary_key=True), Column("source", Text, primary_key=True),
              Column("doc_hash", String(64), nullable=False), Column("pages", Text, nullable=False),
              Column("uncertain", Text, nullable=False))


@dataclass(frozen=True)
class SourceTable:
    """A stored table and the document it belongs to."""

    source: str
    index: int
    table: DocumentTable

    def row_at(self, start: int) -> TableRow | None:
        """The row whose record spans character ``start`` of the document."""
        return next((r for r in self.table.rows if r.start <= start < r.end), None)


def _encode(table: DocumentTable) -> tuple[str, str]:
    return (json.dumps(list(table.header)),
            json.dumps([[r.number, r.start, r.end, list(r.cells)] for r in table.rows]))


def _decode(source: str, index: int, title: str, header: str, rows: str) -> SourceTable:
    return SourceTable(source, index, DocumentTable(title, tuple(json.loads(header)), tuple(
        TableRow(number, start, end, tuple(cells)) for number, start, end, cells in json.loads(rows))))


class Extras:
    """``engine``: a database whose schema holds ``document_tables`` (the server's
    migrations make it in PostgreSQL); ``sqlite`` makes its own file."""

    def __init__(self, engine: Engine, collection: str):
        self.engine = engine
        self.collection = collection

    @classmethod
    def sqlite(cls, path, collection: str) -> "Extras":
        engine = create_engine(f"sqlite:///{path}")
        event.listen(engine, "connect", _write_ahead)
        metadata.create_all(engine)
        return cls(engine, collection)

    def _mine(self, table: Table = stored):
        return table.c.collection == self.collection

    def _replace_tables(self, db, documents: Sequence[Document]) -> None:
        db.execute(delete(stored).where(self._mine(), stored.c.source.in_([d.source for d in documents])))
        rows = [{"collection": self.collection, "source": d.source, "idx": i, "doc_hash": d.hash,
                 "title": t.title, "header": header, "rows": cells}
                for d in documents for i, t in enumerate(d.tables) for header, cells in [_encode(t)]]
        if rows:
            db.execute(insert(stored), rows)

    def _replace_scans(self, db, documents: Sequence[Document]) -> None:
        db.execute(delete(scans).where(self._mine(scans), scans.c.source.in_([d.source for d in documents])))
        rows = [{"collection": self.collection, "source": d.source, "doc_hash": d.hash,
                 "pages": json.dumps(sorted(p.number for p in d.pages if p.ocr)),
                 "uncertain": json.dumps([list(span) for span in d.uncertain])}
                for d in documents if any(p.ocr for p in d.pages)]
        if rows:
            db.execute(insert(scans), rows)

    def scans_of(self, sources: Iterable[str]) -> dict[str, ScanNotes]:
        wanted = list(dict.fromkeys(sources))
        if not wanted:
            return {}
        with self.engine.connect() as db:
            found = db.execute(select(scans.c.source, scans.c.pages, scans.c.uncertain)
                               .where(self._mine(scans), scans.c.source.in_(wanted))).all()
        return {source: ScanNotes(frozenset(json.loads(pages)), tuple(tuple(s) for s in json.loads(uncertain)))
                for source, pages, uncertain in found}

    def keep_only(self, sources: Iterable[str]) -> None:
        """Drop the tables of every source not in ``sources`` (documents deleted or gone)."""
        keep = set(sources)
        with self.engine.begin() as db:
            for table in (stored, scans):
                mine = self._mine(table)
                gone = sorted(set(db.execute(select(table.c.source).where(mine).distinct()).scalars()) - keep)
                for lo in range(0, len(gone), 500):
                    db.execute(delete(table).where(mine, table.c.source.in_(gone[lo : lo + 500])))

    def tables_of(self, sources: Iterable[str]) -> list[SourceTable]:
        wanted = list(dict.fromkeys(sources))
        if not wanted:
            return []
        with self.engine.connect() as db:
            found = db.execute(select(stored.c.source, stored.c.idx, stored.c.title, stored.c.header, stored.c.rows)
                               .where(self._mine(), stored.c.source.in_(wanted))).all()
        order = {s: i for i, s in enumerate(wanted)}
        return sorted((_decode(*row) for row in found), key=lambda t: (order[t.source], t.index))

    def titles(self) -> list[tuple[str, str]]:
        """``(source, title)`` of every table."""
        with self.engine.connect() as db:
            return [tuple(r) for r in db.execute(select(stored.c.source, stored.c.title).where(self._mine()))]

    def replace(self, documents: Sequence[Document]) -> None:
        """What ``documents`` hold beyond their text (tables; scan notes for those with OCR'd
        pages) replaces what their sources held, in one transaction."""
        if not documents:
            return
        with self.engine.begin() as db:
            for lo in range(0, len(documents), 500):
                self._replace_tables(db, documents[lo : lo + 500])
                self._replace_scans(db, documents[lo : lo + 500])

    def drop(self) -> None:
        with self.engine.begin() as db:
            for table in (stored, scans):
                db.execute(delete(table).where(self._mine(table)))

    def close(self) -> None:
        self.engine.dispose()


def _write_ahead(connection, _record) -> None:
    """The catalog's settings: a commit per indexed batch costs no fsync."""
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
