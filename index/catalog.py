"""The collection's catalog: a SQLite file beside the vector store.

It records which files and documents are indexed with their content hashes
(what incremental sync compares against), mirrors each chunk's text and
position, and holds the keyword index: an FTS5 table ranked with BM25 inside
SQLite, so keyword search costs an index lookup, not a Python pass over every
chunk (``bench/query.py`` measures it at 100k chunks).

Writes for a batch of documents commit in one transaction, after the vector
store has been written; ``dirty`` marks a sync in progress so that a run killed
half-way is reconciled against the store on the next start.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.documents import Chunk, Document
from index.terms import terms

_TOKENIZER = "unicode61 remove_diacritics 2"  # the keyword index's, and the tally's that counts its terms
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, root TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY, file TEXT NOT NULL, hash TEXT NOT NULL, title TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_file ON documents(file);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, source TEXT NOT NULL, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, page INTEGER, text TEXT NOT NULL, sections TEXT);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(title, text, tokenize='{_TOKENIZER}');
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
CREATE TABLE IF NOT EXISTS term_counts (term TEXT PRIMARY KEY, chunks INTEGER NOT NULL) WITHOUT ROWID;
"""
# Per connection: an FTS5 table with the keyword index's tokenizer, to count a batch's
# terms exactly as FTS5 does (it splits stems at apostrophes, folds diacritics).
_TALLY = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS temp.tally USING fts5(title, text, tokenize='{_TOKENIZER}');
CREATE VIRTUAL TABLE IF NOT EXISTS temp.tally_vocab USING fts5vocab('temp', 'tally', 'row');
"""
MAX_QUERY_TERMS = 8


def _tally(db: sqlite3.Connection, indexed: Sequence[tuple[str, str]], sign: int) -> None:
    """Add (+1) or take away (-1) the ``(title, text)`` keyword rows' terms to the kept
    document frequencies, the terms counted by FTS5 itself in ``temp.tally``."""
    if not indexed:
        return
    db.execute("DELETE FROM temp.tally")
    db.executemany("INSERT INTO temp.tally (title, text) VALUES (?, ?)", indexed)
    db.execute("INSERT INTO term_counts (term, chunks) SELECT term, ? * doc FROM temp.tally_vocab WHERE true "
               "ON CONFLICT (term) DO UPDATE SET chunks = chunks + excluded.chunks", (sign,))
    if sign < 0:
        db.execute("DELETE FROM term_counts WHERE chunks <= 0 AND term IN (SELECT term FROM temp.tally_vocab)")


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    source: str
    index: int
    start: int
    end: int
    page: int | None
    text: str
    title: str
    sections: str | None = None
    """JSON ``[[offset, heading], ...]`` of the sections the chunk overlaps."""


class Catalog:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._db as db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(chunks)")}
            if "sections" not in columns:  # catalogs written before chunks knew their sections
                db.execute("ALTER TABLE chunks ADD COLUMN sections TEXT")
            if db.execute("SELECT 1 FROM term_counts LIMIT 1").fetchone() is None:  # written before the counts
                db.execute("INSERT OR IGNORE INTO term_counts SELECT term, doc FROM chunks_vocab")

    @property
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_TALLY)
            self._local.db = db
        return db

    # -- settings and crash marker -------------------------------------------------

    def settings(self) -> dict | None:
        row = self._db.execute("SELECT value FROM meta WHERE key='settings'").fetchone()
        return json.loads(row[0]) if row else None

    def save_settings(self, settings: dict) -> None:
        with self._db as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('settings', ?)", (json.dumps(settings, sort_keys=True),))

    @property
    def dirty(self) -> bool:
        return self._db.execute("SELECT 1 FROM meta WHERE key='dirty'").fetchone() is not None

    def set_dirty(self, dirty: bool) -> None:
        with self._db as db:
            if dirty:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('dirty', '1')")
            else:
                db.execute("DELETE FROM meta WHERE key='dirty'")

    # -- files and documents ---------------------------------------------------------

    def file_hashes(self, root: str | None = None) -> dict[str, str]:
        query, args = "SELECT path, hash FROM files", ()
        if root is not None:
            query, args = query + " WHERE root = ?", (root,)
        return dict(self._db.execute(query, args).fetchall())

    def document_hashes(self, file: str) -> dict[str, str]:
        return dict(self._db.execute("SELECT source, hash FROM documents WHERE file = ?", (file,)).fetchall())

    def documents(self) -> list[tuple[str, str, int]]:
        """``(source, file, chunk count)`` of every document, by source."""
        return self._db.execute(
            "SELECT d.source, d.file, (SELECT count(*) FROM chunks c WHERE c.source = d.source) "
            "FROM documents d ORDER BY d.source"
        ).fetchall()

    def owners(self, sources: Iterable[str]) -> dict[str, str]:
        """The file each of ``sources`` is indexed from, for those already indexed."""
        owners: dict[str, str] = {}
        for source in sources:
            row = self._db.execute("SELECT file FROM documents WHERE source = ?", (source,)).fetchone()
            if row:
                owners[source] = row[0]
        return owners

    def chunk_ids(self, sources: Iterable[str]) -> list[str]:
        ids: list[str] = []
        sources = list(sources)
        for lo in range(0, len(sources), 500):
            part = sources[lo : lo + 500]
            marks = ",".join("?" * len(part))
            ids += [r[0] for r in self._db.execute(f"SELECT id FROM chunks WHERE source IN ({marks})", part)]
        return ids

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT id FROM chunks")}

    def sources_of_chunks(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        sources: set[str] = set()
        for lo in range(0, len(ids), 500):
            part = ids[lo : lo + 500]
            marks = ",".join("?" * len(part))
            sources |= {r[0] for r in self._db.execute(f"SELECT source FROM chunks WHERE id IN ({marks})", part)}
        return sources

    def unfiled_sources(self) -> list[str]:
        """Documents committed by a run that was killed before it recorded their file."""
        return [r[0] for r in self._db.execute(
            "SELECT source FROM documents WHERE file NOT IN (SELECT path FROM files)")]

    def files_of_sources(self, sources: Iterable[str]) -> set[str]:
        return set(self.owners(sources).values())

    def count_documents(self) -> int:
        return self._db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def count_chunks(self) -> int:
        return self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is None

    def size_bound(self) -> int:
        """An upper bound on the number of chunks, read off the index in O(log n)."""
        return self._db.execute("SELECT coalesce(max(rowid), 0) FROM chunks").fetchone()[0]

    def replace_documents(self, documents: Sequence[Document], chunks: Sequence[Chunk], file: str) -> None:
        """Swap in new versions of ``documents`` (old chunks out, new chunks in) in one transaction."""
        with self._db as db:
            self._delete_sources(db, [d.source for d in documents])
            db.executemany(
                "INSERT INTO documents VALUES (?, ?, ?, ?)", [(d.source, file, d.hash, d.title) for d in documents]
            )
            titles = {d.source: d.title for d in documents}
            indexed = []
            for chunk in chunks:
                cursor = db.execute(
                    'INSERT INTO chunks (id, source, idx, start, "end", page, text, sections) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (chunk.id, chunk.source, chunk.index, chunk.start, chunk.end, chunk.page, chunk.text,
                     json.dumps(chunk.sections) if chunk.sections else None),
                )
                indexed.append((" ".join(terms(f"{titles[chunk.source]} {chunk.section or ''}")),
                                " ".join(terms(chunk.text))))
                db.execute("INSERT INTO chunks_fts (rowid, title, text) VALUES (?, ?, ?)",
                           (cursor.lastrowid, *indexed[-1]))
            _tally(db, indexed, +1)

    def remove_documents(self, sources: Sequence[str]) -> None:
        with self._db as db:
            self._delete_sources(db, sources)

    def _delete_sources(self, db: sqlite3.Connection, sources: Sequence[str]) -> None:
        for lo in range(0, len(sources), 500):
            part = list(sources[lo : lo + 500])
            marks = ",".join("?" * len(part))
            owned = f"rowid IN (SELECT rowid FROM chunks WHERE source IN ({marks}))"
            _tally(db, db.execute(f"SELECT title, text FROM chunks_fts WHERE {owned}", part).fetchall(), -1)
            db.execute(f"DELETE FROM chunks_fts WHERE {owned}", part)
            db.execute(f"DELETE FROM chunks WHERE source IN ({marks})", part)
            db.execute(f"DELETE FROM documents WHERE source IN ({marks})", part)

    def set_file(self, path: str, root: str, hash_: str) -> None:
        with self._db as db:
            db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (path, root, hash_))

    def remove_file(self, path: str) -> list[str]:
        """Forget ``path`` and its documents; returns the ids of the chunks it had."""
        sources = [r[0] for r in self._db.execute("SELECT source FROM documents WHERE file = ?", (path,))]
        ids = self.chunk_ids(sources)
        with self._db as db:
            self._delete_sources(db, sources)
            db.execute("DELETE FROM files WHERE path = ?", (path,))
        return ids

    # -- reading ------------------------------------------------------------------------

    def chunks(self, ids: Sequence[str]) -> dict[str, ChunkRecord]:
        records: dict[str, ChunkRecord] = {}
        for lo in range(0, len(ids), 500):
            part = list(ids[lo : lo + 500])
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                'SELECT c.id, c.source, c.idx, c.start, c."end", c.page, c.text, d.title, c.sections '
                f"FROM chunks c JOIN documents d ON d.source = c.source WHERE c.id IN ({marks})",
                part,
            )
            records.update((row[0], ChunkRecord(*row)) for row in rows)
        return records

    def chunk_rows(self) -> list[tuple[str, int, int, int, str, str]]:
        """Every chunk as ``(source, index, start, end, text, title)``, by source and index."""
        return self._db.execute(
            'SELECT c.source, c.idx, c.start, c."end", c.text, d.title FROM chunks c '
            "JOIN documents d ON d.source = c.source ORDER BY c.source, c.idx"
        ).fetchall()

    def document_chunks(self, source: str) -> list[tuple[int, int, str]]:
        """``(start, end, text)`` of one document's chunks, in order."""
        return self._db.execute(
            'SELECT start, "end", text FROM chunks WHERE source = ? ORDER BY idx', (source,)).fetchall()

    def chunk_pages(self, source: str) -> list[tuple[int, int, int]]:
        """``(start, end, page)`` of one document's chunks that lie on a page, in order."""
        return self._db.execute('SELECT start, "end", page FROM chunks WHERE source = ? AND page IS NOT NULL '
                                "ORDER BY idx", (source,)).fetchall()

    def term_frequencies(self, stems: Iterable[str]) -> dict[str, int]:
        """How many chunks hold each stemmed term (absent terms are left out)."""
        stems = list(dict.fromkeys(stems))
        if not stems:
            return {}
        marks = ",".join("?" * len(stems))
        # Kept counts, not fts5vocab's: fts5vocab counts a term's chunks by walking its
        # whole doclist, which for a question's common words took 80 ms at 1M chunks.
        return dict(self._db.execute(f"SELECT term, chunks FROM term_counts WHERE term IN ({marks}) AND chunks > 0",
                                     stems))

    def keyword_index_size(self) -> int:
        return self._db.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]

    def keyword_search(self, query: str, n: int) -> list[tuple[str, float]]:
        """BM25 over chunk titles and texts: ``(chunk id, score)``, best first.

        Only the query's rarest terms are searched (at most ``MAX_QUERY_TERMS``, none
        found in more than a fifth of the chunks unless nothing rarer is left): common
        terms add almost nothing to BM25 but make FTS5 score most of the index, which
        is what would make keyword search slow at 100k chunks.
        """
        unique = list(dict.fromkeys(terms(query)))
        if not unique:
            return []
        frequency = self.term_frequencies(unique)
        found = sorted((t for t in unique if frequency.get(t)), key=lambda t: frequency[t])
        if not found:
            return []
        limit = max(self.size_bound() // 5, 1)
        chosen = [t for t in found[:MAX_QUERY_TERMS] if frequency[t] <= limit] or found[:1]
        match = " OR ".join(f'"{t}"' for t in chosen)
        rows = self._db.execute(
            "SELECT c.id, -bm25(chunks_fts, 0.5, 1.0) AS score FROM chunks_fts "
            "JOIN chunks c ON c.rowid = chunks_fts.rowid "
            "WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 0.5, 1.0), c.id LIMIT ?",
            (match, n),
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def rebuild(self, records: Iterable[tuple[str, str, dict]]) -> int:
        """Fill an empty catalog from the vector store's ``(id, text, metadata)``
        records, e.g. on a client that meets a server collection another client
        indexed. Files are unknown there, so the next sync of a folder re-hashes it."""
        documents: dict[str, tuple[str, str]] = {}
        indexed = []
        with self._db as db:
            for chunk_id, text, meta in records:
                source = meta["source"]
                documents.setdefault(source, (meta.get("doc_hash", ""), meta.get("title", "")))
                cursor = db.execute(
                    'INSERT OR IGNORE INTO chunks (id, source, idx, start, "end", page, text, sections) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (chunk_id, source, meta.get("chunk", 0), meta["start"], meta["end"], meta.get("page"), text,
                     meta.get("sections")),
                )
                if cursor.rowcount:
                    first = json.loads(meta.get("sections") or "[[0, \"\"]]")[0][1]
                    heading = f"{meta.get('title', '')} {first}"
                    indexed.append((" ".join(terms(heading)), " ".join(terms(text))))
                    db.execute("INSERT INTO chunks_fts (rowid, title, text) VALUES (?, ?, ?)",
                               (cursor.lastrowid, *indexed[-1]))
            _tally(db, indexed, +1)
            db.executemany(
                "INSERT OR IGNORE INTO documents VALUES (?, ?, ?, ?)",
                [(source, f"(indexed elsewhere) {source}", h, t) for source, (h, t) in documents.items()],
            )
            db.executemany("INSERT OR IGNORE INTO files VALUES (?, '(indexed elsewhere)', '')",
                           [(f"(indexed elsewhere) {source}",) for source in documents])
        return len(indexed)

    def writer(self):
        """Held while writing; one machine's writers are serialised by ``Collection``."""
        return contextlib.nullcontext()

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
