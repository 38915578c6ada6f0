"""The catalog in a shared database (PostgreSQL), so that several servers over one
Chroma server see the same files, chunks and keyword index.

It does what ``Catalog`` does for one machine in SQLite, for every collection in
one set of tables (keyed by collection name). The keyword index is BM25 computed
in SQL over a postings table (term, field, frequency) with the formula, parameters
and column weights of the SQLite catalog's FTS5 ``bm25(chunks_fts, 0.5, 1.0)``, so
both rank alike (terms with an apostrophe or underscore aside, which FTS5's tokenizer
splits in two): PostgreSQL's own ``ts_rank`` is not BM25 (no document-length
normalisation against the average, no idf), and matching the SQLite default is
what lets a team move to PostgreSQL without its answers changing.

A write (a sync, a delete) holds a PostgreSQL advisory lock on the collection, so
two servers never index one collection at once, and a server never takes another's
sync in progress for a crashed one.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import (BigInteger, Column, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
                        delete, func, insert, select, text)
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.engine import Engine

from index.catalog import MAX_QUERY_TERMS, ChunkRecord
from index.documents import Chunk, Document
from index.terms import terms

metadata = MetaData()
meta = Table("catalog_meta", metadata, Column("collection", String(512), primary_key=True),
             Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))
files = Table("catalog_files", metadata, Column("collection", String(512), primary_key=True),
              Column("path", Text, primary_key=True), Column("root", Text, nullable=False),
              Column("hash", String(64), nullable=False))
documents = Table("catalog_documents", metadata, Column("collection", String(512), primary_key=True),
                  Column("source", Text, primary_key=True), Column("file", Text, nullable=False),
                  Column("hash", String(64), nullable=False), Column("title", Text, nullable=False),
                  Index("catalog_documents_file", "collection", "file"))
chunks = Table("catalog_chunks", metadata, Column("rowid", Integer, primary_key=True),
               Column("collection", String(512), nullable=False), Column("id", String(40), nullable=False),
               Column("source", Text, nullable=False), Column("idx", Integer, nullable=False),
               Column("start", Integer, nullable=False), Column("end", Integer, nullable=False),
               Column("page", Integer), Column("text", Text, nullable=False), Column("sections", Text),
               Column("title_length", Integer, nullable=False), Column("text_length", Integer, nullable=False),
               UniqueConstraint("collection", "id", name="catalog_chunks_id"),
               Index("catalog_chunks_source", "collection", "source"))
postings = Table("catalog_postings", metadata,
                 Column("chunk", Integer, ForeignKey("catalog_chunks.rowid", ondelete="CASCADE"), nullable=False),
                 Column("collection", String(512), nullable=False), Column("term", Text, nullable=False),
                 Column("field", Integer, nullable=False), Column("tf", Integer, nullable=False),
                 Index("catalog_postings_term", "collection", "term"), Index("catalog_postings_chunk", "chunk"))

# Kept by every write, so that a query reads its terms' document frequencies and the
# collection's size and average lengths in O(1) rather than counting postings and chunks:
# counting cost 40 ms a question at 10k chunks and grew with the collection.
term_counts = Table("catalog_terms", metadata, Column("collection", String(512), primary_key=True),
                    Column("term", Text, primary_key=True), Column("chunks", Integer, nullable=False))
totals = Table("catalog_totals", metadata, Column("collection", String(512), primary_key=True),
               Column("chunks", BigInteger, nullable=False), Column("title_length", BigInteger, nullable=False),
               Column("text_length", BigInteger, nullable=False))

_ADD_TERMS = text("""
    INSERT INTO catalog_terms (collection, term, chunks)
    SELECT :collection, term, chunks FROM unnest(CAST(:terms AS text[]), CAST(:counts AS integer[])) AS t(term, chunks)
    ON CONFLICT (collection, term) DO UPDATE SET chunks = catalog_terms.chunks + excluded.chunks""")
_DROP_UNUSED_TERMS = text("""
    DELETE FROM catalog_terms WHERE collection = :collection AND term = ANY(CAST(:terms AS text[])) AND chunks <= 0""")

FIELDS = {0: 0.5, 1: 1.0}  # title (document title and section), text: FTS5 bm25 weights of the SQLite catalog
K1, B = 1.2, 0.75
BATCH = 500


class SqlCatalog:
    def __init__(self, engine: Engine, collection: str):
        self.engine = engine
        self.collection = collection
        self._c = chunks.c

    def _where(self, table: Table):
        return table.c.collection == self.collection

    # -- settings, crash marker, writer lock ----------------------------------------------

    def settings(self) -> dict | None:
        with self.engine.connect() as c:
            value = c.execute(select(meta.c.value).where(self._where(meta), meta.c.key == "settings")).scalar()
        return json.loads(value) if value else None

    def save_settings(self, settings: dict) -> None:
        self._set_meta("settings", json.dumps(settings, sort_keys=True))

    def _set_meta(self, key: str, value: str | None) -> None:
        with self.engine.begin() as c:
            c.execute(delete(meta).where(self._where(meta), meta.c.key == key))
            if value is not None:
                c.execute(insert(meta).values(collection=self.collection, key=key, value=value))

    @property
    def dirty(self) -> bool:
        with self.engine.connect() as c:
            return c.execute(select(meta.c.key).where(self._where(meta), meta.c.key == "dirty")).first() is not None

    def set_dirty(self, dirty: bool) -> None:
        self._set_meta("dirty", "1" if dirty else None)

    def writer(self):
        """A connection holding this collection's advisory lock (a context manager)."""
        return _AdvisoryLock(self.engine, zlib.crc32(self.collection.encode()))

    # -- files and documents --------------------------------------------------------------

    def file_hashes(self, root: str | None = None) -> dict[str, str]:
        query = select(files.c.path, files.c.hash).where(self._where(files))
        if root is not None:
            query = query.where(files.c.root == root)
        with self.engine.connect() as c:
            return dict(c.execute(query).all())

    def document_hashes(self, file: str) -> dict[str, str]:
        with self.engine.connect() as c:
            return dict(c.execute(select(documents.c.source, documents.c.hash)
                                  .where(self._where(documents), documents.c.file == file)).all())

    def documents(self) -> list[tuple[str, str, int]]:
        counts = (select(chunks.c.source, func.count().label("n")).where(self._where(chunks))
                  .group_by(chunks.c.source).subquery())
        query = (select(documents.c.source, documents.c.file, func.coalesce(counts.c.n, 0))
                 .outerjoin(counts, counts.c.source == documents.c.source)
                 .where(self._where(documents)).order_by(documents.c.source))
        with self.engine.connect() as c:
            return [tuple(row) for row in c.execute(query)]

    def owners(self, sources: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self.engine.connect() as c:
            for part in _batches(list(sources)):
                found.update(c.execute(select(documents.c.source, documents.c.file)
                                       .where(self._where(documents), documents.c.source.in_(part))).all())
        return found

    def chunk_ids(self, sources: Iterable[str]) -> list[str]:
        ids: list[str] = []
        with self.engine.connect() as c:
            for part in _batches(list(sources)):
                ids += c.execute(select(chunks.c.id).where(self._where(chunks), chunks.c.source.in_(part))).scalars()
        return ids

    def all_chunk_ids(self) -> set[str]:
        with self.engine.connect() as c:
            return set(c.execute(select(chunks.c.id).where(self._where(chunks))).scalars())

    def sources_of_chunks(self, ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        with self.engine.connect() as c:
            for part in _batches(list(ids)):
                found |= set(c.execute(select(chunks.c.source).where(self._where(chunks), chunks.c.id.in_(part)))
                             .scalars())
        return found

    def unfiled_sources(self) -> list[str]:
        filed = select(files.c.path).where(self._where(files))
        with self.engine.connect() as c:
            return list(c.execute(select(documents.c.source)
                                  .where(self._where(documents), documents.c.file.not_in(filed))).scalars())

    def files_of_sources(self, sources: Iterable[str]) -> set[str]:
        return set(self.owners(sources).values())

    def count_documents(self) -> int:
        return self._count(documents)

    def count_chunks(self) -> int:
        return self._count(chunks)

    def _count(self, table: Table) -> int:
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(table).where(self._where(table))).scalar_one()

    def is_empty(self) -> bool:
        with self.engine.connect() as c:
            return c.execute(select(chunks.c.rowid).where(self._where(chunks)).limit(1)).first() is None

    # -- writing --------------------------------------------------------------------------

    def replace_documents(self, docs: Sequence[Document], new_chunks: Sequence[Chunk], file: str) -> None:
        titles = {d.source: d.title for d in docs}
        with self.engine.begin() as c:
            self._delete_sources(c, [d.source for d in docs])
            c.execute(insert(documents), [{"collection": self.collection, "source": d.source, "file": file,
                                           "hash": d.hash, "title": d.title} for d in docs])
            added, rows, words = _Counts(), [], []
            for chunk in new_chunks:
                heading = terms(f"{titles[chunk.source]} {chunk.section or ''}")
                body = terms(chunk.text)
                rows.append({"collection": self.collection, "id": chunk.id, "source": chunk.source, "idx": chunk.index,
                             "start": chunk.start, "end": chunk.end, "page": chunk.page, "text": chunk.text,
                             "sections": json.dumps(chunk.sections) if chunk.sections else None,
                             "title_length": len(heading), "text_length": len(body)})
                words.append((heading, body))
                added.add(heading, body)
            if rows:  # one statement for the chunks and one for their postings, not two per chunk
                rowids = c.execute(insert(chunks).returning(chunks.c.rowid, sort_by_parameter_order=True),
                                   rows).scalars().all()
                self._post(c, [(rowid, heading, body) for rowid, (heading, body) in zip(rowids, words)])
            self._tally(c, added, +1)

    def _post(self, c, chunk_words: list[tuple[int, list[str], list[str]]]) -> None:
        """The chunks' postings through COPY: ~100 rows a chunk, which as an executemany of
        INSERTs was half of all the time a write took (3,000 chunks: 20 of 44 s)."""
        with c.connection.driver_connection.cursor() as cursor, cursor.copy(
                "COPY catalog_postings (chunk, collection, term, field, tf) FROM STDIN") as copy:
            for rowid, heading, body in chunk_words:
                for field, words in ((0, heading), (1, body)):
                    for term, tf in Counter(words).items():
                        copy.write_row((rowid, self.collection, term, field, tf))

    def remove_documents(self, sources: Sequence[str]) -> None:
        with self.engine.begin() as c:
            self._delete_sources(c, list(sources))

    def _delete_sources(self, c, sources: list[str]) -> None:
        for part in _batches(sources):
            owned = self._where(chunks) & chunks.c.source.in_(part)
            gone = _Counts(Counter(dict(c.execute(
                select(postings.c.term, func.count(func.distinct(postings.c.chunk)))
                .where(postings.c.chunk.in_(select(chunks.c.rowid).where(owned))).group_by(postings.c.term)).all())))
            gone.chunks, gone.title_length, gone.text_length = c.execute(
                select(func.count(), func.coalesce(func.sum(chunks.c.title_length), 0),
                       func.coalesce(func.sum(chunks.c.text_length), 0)).where(owned)).one()
            c.execute(delete(chunks).where(owned))
            c.execute(delete(documents).where(self._where(documents), documents.c.source.in_(part)))
            self._tally(c, gone, -1)

    def _tally(self, c, counts: "_Counts", sign: int) -> None:
        """Add (``sign`` +1) or take away (-1) ``counts`` from the collection's term and size counts."""
        if counts.terms:  # one statement over two arrays, not an upsert per term
            names = list(counts.terms)
            c.execute(_ADD_TERMS, {"collection": self.collection, "terms": names,
                                   "counts": [sign * counts.terms[t] for t in names]})
            if sign < 0:
                c.execute(_DROP_UNUSED_TERMS, {"collection": self.collection, "terms": names})
        if counts.chunks:
            statement = upsert(totals).values(collection=self.collection, chunks=sign * counts.chunks,
                                              title_length=sign * counts.title_length,
                                              text_length=sign * counts.text_length)
            c.execute(statement.on_conflict_do_update(
                index_elements=[totals.c.collection],
                set_={name: totals.c[name] + statement.excluded[name]
                      for name in ("chunks", "title_length", "text_length")}))

    def set_file(self, path: str, root: str, hash_: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(files).where(self._where(files), files.c.path == path))
            c.execute(insert(files).values(collection=self.collection, path=path, root=root, hash=hash_))

    def remove_file(self, path: str) -> list[str]:
        with self.engine.begin() as c:
            sources = list(c.execute(select(documents.c.source)
                                     .where(self._where(documents), documents.c.file == path)).scalars())
            ids = list(c.execute(select(chunks.c.id).where(self._where(chunks), chunks.c.source.in_(sources)))
                       .scalars()) if sources else []
            self._delete_sources(c, sources)
            c.execute(delete(files).where(self._where(files), files.c.path == path))
        return ids

    def drop(self) -> None:
        with self.engine.begin() as c:
            for table in (chunks, documents, files, meta, term_counts, totals):
                c.execute(delete(table).where(self._where(table)))

    def rebuild(self, records) -> int:
        """Nothing to rebuild: every server shares this catalog."""
        return 0

    def close(self) -> None:
        """Connections belong to the engine's pool."""

    # -- reading --------------------------------------------------------------------------

    def chunks(self, ids: Sequence[str]) -> dict[str, ChunkRecord]:
        found: dict[str, ChunkRecord] = {}
        c_ = chunks.c
        with self.engine.connect() as c:
            for part in _batches(list(ids)):
                rows = c.execute(select(c_.id, c_.source, c_.idx, c_.start, c_.end, c_.page, c_.text,
                                        documents.c.title, c_.sections)
                                 .join(documents, (documents.c.collection == c_.collection)
                                       & (documents.c.source == c_.source))
                                 .where(self._where(chunks), c_.id.in_(part)))
                found.update((row[0], ChunkRecord(*row)) for row in rows)
        return found

    def chunk_rows(self) -> list[tuple[str, int, int, int, str, str]]:
        c_ = chunks.c
        with self.engine.connect() as c:
            return [tuple(r) for r in c.execute(
                select(c_.source, c_.idx, c_.start, c_.end, c_.text, documents.c.title)
                .join(documents, (documents.c.collection == c_.collection) & (documents.c.source == c_.source))
                .where(self._where(chunks)).order_by(c_.source, c_.idx))]

    def document_chunks(self, source: str) -> list[tuple[int, int, str]]:
        with self.engine.connect() as c:
            return [tuple(r) for r in c.execute(select(chunks.c.start, chunks.c.end, chunks.c.text)
                                                .where(self._where(chunks), chunks.c.source == source)
                                                .order_by(chunks.c.idx))]

    def chunk_pages(self, source: str) -> list[tuple[int, int, int]]:
        with self.engine.connect() as c:
            return [tuple(r) for r in c.execute(select(chunks.c.start, chunks.c.end, chunks.c.page)
                                                .where(self._where(chunks), chunks.c.source == source,
                                                       chunks.c.page.is_not(None)).order_by(chunks.c.idx))]

    def term_frequencies(self, stems: Iterable[str]) -> dict[str, int]:
        """How many chunks hold each stemmed term (absent terms are left out)."""
        stems = list(dict.fromkeys(stems))
        if not stems:
            return {}
        with self.engine.connect() as c:
            return dict(c.execute(select(term_counts.c.term, term_counts.c.chunks)
                                  .where(self._where(term_counts), term_counts.c.term.in_(stems))).all())

    def keyword_index_size(self) -> int:
        return self.count_chunks()

    def size_bound(self) -> int:
        """The number of chunks, from the running totals (no count over the chunks)."""
        with self.engine.connect() as c:
            return c.execute(select(totals.c.chunks).where(self._where(totals))).scalar() or 0

    def keyword_search(self, query: str, n: int) -> list[tuple[str, float]]:
        """BM25 over chunk headings and texts: ``(chunk id, score)``, best first; the
        same rarest-terms choice as the SQLite catalog."""
        unique = list(dict.fromkeys(terms(query)))
        frequency = self.term_frequencies(unique)
        found = sorted((t for t in unique if frequency.get(t)), key=lambda t: frequency[t])
        if not found:
            return []
        with self.engine.connect() as c:
            size = c.execute(select(totals.c.chunks, totals.c.title_length, totals.c.text_length)
                             .where(self._where(totals))).first()
        total, title_sum, text_sum = size or (0, 0, 0)
        limit = max(total // 5, 1)
        chosen = [t for t in found[:MAX_QUERY_TERMS] if frequency[t] <= limit] or found[:1]
        idf = {t: max(math.log((total - frequency[t] + 0.5) / (frequency[t] + 0.5)), 1e-6) for t in chosen}
        cases, params = [], {"collection": self.collection, "n": n,
                             "avgdl": ((title_sum + text_sum) / total if total else 1.0) or 1.0}
        for i, term in enumerate(chosen):
            params[f"t{i}"], params[f"idf{i}"] = term, idf[term]
            cases.append(f"WHEN :t{i} THEN :idf{i}")
        for field, weight in FIELDS.items():
            params[f"w{field}"] = weight
        # FTS5's bm25(): per term, its frequency weighted by column and summed over the
        # columns, normalised by the whole row's length against the average row.
        sql = text(f"""
            SELECT c.id, SUM(
                (CASE f.term {' '.join(cases)} END) * f.weighted * {K1 + 1}
                / (f.weighted + {K1} * ({1 - B} + {B} * (c.title_length + c.text_length) / :avgdl))
            ) AS score
            FROM (SELECT p.chunk, p.term, SUM(p.tf * (CASE p.field WHEN 0 THEN :w0 ELSE :w1 END)) AS weighted
                  FROM catalog_postings p
                  WHERE p.collection = :collection AND p.term IN ({', '.join(f':t{i}' for i in range(len(chosen)))})
                  GROUP BY p.chunk, p.term) f
            JOIN catalog_chunks c ON c.rowid = f.chunk
            GROUP BY c.id ORDER BY score DESC, c.id LIMIT :n""")
        with self.engine.connect() as c:
            return [(row[0], float(row[1])) for row in c.execute(sql, params)]


class _AdvisoryLock:
    def __init__(self, engine: Engine, key: int):
        self.engine, self.key = engine, key

    def __enter__(self):
        self.connection = self.engine.connect()
        self.connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": self.key})
        return self

    def __exit__(self, *exc) -> None:
        self.connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        self.connection.close()


def _batches(values: list, size: int = BATCH):
    for lo in range(0, len(values), size):
        yield values[lo : lo + size]


class _Counts:
    """Document frequencies of terms, and chunk count and summed lengths, of some chunks."""

    def __init__(self, terms_: Counter | None = None):
        self.terms: Counter = terms_ if terms_ is not None else Counter()
        self.chunks = self.title_length = self.text_length = 0

    def add(self, heading: list[str], body: list[str]) -> None:
        self.terms.update(set(heading) | set(body))
        self.chunks += 1
        self.title_length += len(heading)
        self.text_length += len(body)
