"""The tables of a collection's documents, kept as tables beside the catalog (a SQLite
file of their own, or the shared PostgreSQL database), so that a question about a
row or a column is answered from the cells, not from text that resembles them.

Written with the catalog on every sync, keyed by source and document hash: the
catalog says which documents exist; a table whose document is gone is dropped with
it (``keep_only``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, delete, insert, select
from sqlalchemy.engine import Engine

from index.documents import Document, TableRow
from index.documents import Table as DocumentTable

metadata = MetaData()
stored = Table("document_tables", metadata,
               Column("collection", String(512), primary_key=True), Column("source", Text, primary_key=True),
               Column("idx", Integer, primary_key=True), Column("doc_hash", String(64), nullable=False),
               Column("title", Text, nullable=False), Column("header", Text, nullable=False),
               Column("rows", Text, nullable=False))


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


class TableStore:
    """``engine``: a database whose schema holds ``document_tables`` (the server's
    migrations make it in PostgreSQL); ``sqlite`` makes its own file."""

    def __init__(self, engine: Engine, collection: str):
        self.engine = engine
        self.collection = collection

    @classmethod
    def sqlite(cls, path, collection: str) -> "TableStore":
        engine = create_engine(f"sqlite:///{path}")
        metadata.create_all(engine, tables=[stored])
        return cls(engine, collection)

    def _mine(self):
        return stored.c.collection == self.collection

    def replace(self, documents: Sequence[Document]) -> None:
        """The tables of ``documents`` replace whatever their sources held."""
        with self.engine.begin() as db:
            db.execute(delete(stored).where(self._mine(), stored.c.source.in_([d.source for d in documents])))
            rows = [{"collection": self.collection, "source": d.source, "idx": i, "doc_hash": d.hash,
                     "title": t.title, "header": header, "rows": cells}
                    for d in documents for i, t in enumerate(d.tables) for header, cells in [_encode(t)]]
            if rows:
                db.execute(insert(stored), rows)

    def keep_only(self, sources: Iterable[str]) -> None:
        """Drop the tables of every source not in ``sources`` (documents deleted or gone)."""
        keep = set(sources)
        with self.engine.begin() as db:
            held = set(db.execute(select(stored.c.source).where(self._mine()).distinct()).scalars())
            gone = sorted(held - keep)
            for lo in range(0, len(gone), 500):
                db.execute(delete(stored).where(self._mine(), stored.c.source.in_(gone[lo : lo + 500])))

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

    def drop(self) -> None:
        with self.engine.begin() as db:
            db.execute(delete(stored).where(self._mine()))

    def close(self) -> None:
        self.engine.dispose()
