"""Incremental sync of files into a collection, by content hash.

Unchanged files are skipped without parsing; a changed file's documents are
compared one by one, so an edited line of a BEIR corpus re-embeds one document;
files that disappeared from an indexed folder lose their chunks. A file that
cannot be read is reported and the run goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.catalog import Catalog
from index.chunking import Chunker
from index.documents import Chunk, Document, content_hash
from index.embedders import Embedder
from index.errors import LoadError, PathNotFoundError
from index.loaders import FORMAT_VERSION, extension, figures, load_file, supported, unsupported_reason
from index.store import VectorCollection

if TYPE_CHECKING:
    from index.extras import Extras

FLUSH_CHUNKS = 512


@dataclass
class Failure:
    path: str
    error: str


@dataclass
class SyncReport:
    collection: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[Failure] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    """Files in the indexed folders that are not read, by extension: types the assistant does not
    read, and images that illustrate pages (``loaders.figures``)."""
    embedded: int = 0
    deleted: int = 0
    total: int = 0

    @property
    def indexed_anything(self) -> bool:
        return bool(self.added or self.updated or self.unchanged or self.removed)

    def to_json(self) -> dict:
        return {
            "collection": self.collection,
            "files": {
                "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed, "failed": [asdict(f) for f in self.failed],
                "skipped": dict(sorted(self.skipped.items())),
            },
            "chunks": {"embedded": self.embedded, "deleted": self.deleted, "total": self.total},
        }


def heading(title: str, section: str | None) -> str:
    """What heads a chunk for the encoder and the keyword index: its document's
    title and the section it sits in (both often name what the passage is about)."""
    return " — ".join(part for part in (title, section) if part)


def embedding_text(title: str, text: str, section: str | None = None) -> str:
    head = heading(title, section)
    return f"{head}\n{text}" if head else text


@dataclass
class _FileJob:
    path: Path
    key: str
    root: str
    source: str
    hash: str
    is_new: bool


class Syncer:
    def __init__(self, vectors: VectorCollection, catalog: Catalog, embedder: Embedder, chunker: Chunker,
                 extras: Extras | None = None):
        self.vectors = vectors
        self.extras = extras
        self.catalog = catalog
        self.embedder = embedder
        self.chunker = chunker
        self._pending: list[tuple[Document, list[Chunk], str]] = []
        self._pending_files: list[_FileJob] = []

    def sync(self, paths: list[Path], progress: bool = False) -> SyncReport:
        report = SyncReport(collection=self.vectors.name)
        self.catalog.set_dirty(True)
        jobs = list(self._discover(paths, report))
        from tqdm import tqdm

        for job in tqdm(jobs, desc="indexing", unit="file", disable=not progress, leave=False):
            self._sync_file(job, report)
        self._flush(report)
        self._prune_extras()
        self.catalog.set_dirty(False)
        report.total = self.catalog.count_chunks()
        return report

    def recover(self) -> None:
        """Bring store and catalog back in line after a run that was killed half-way.

        Chunks in the store that the catalog never committed are deleted; documents
        whose chunks are missing from the store, or whose file was never recorded,
        are forgotten, so the next sync indexes them again (or not, if their file
        is gone).
        """
        if not self.catalog.dirty:
            return
        self._delete_sources(self.catalog.unfiled_sources())
        stored = set(self.vectors.ids())
        cataloged = self.catalog.all_chunk_ids()
        self.vectors.delete(sorted(stored - cataloged))
        missing = cataloged - stored
        if missing:
            for file in self.catalog.files_of_sources(self.catalog.sources_of_chunks(missing)):
                self.vectors.delete(self.catalog.remove_file(file))
        self._prune_extras()
        self.catalog.set_dirty(False)

    # -- discovery ------------------------------------------------------------------------

    def _discover(self, paths: list[Path], report: SyncReport) -> Iterator[_FileJob]:
        for given in paths:
            if not given.exists():
                report.failed.append(Failure(str(given), PathNotFoundError.REASON))
                continue
            if given.is_dir():
                root = given.resolve()
                known = self.catalog.file_hashes(str(root))
                files = list(walk_files(root))
                illustrations = figures(files)
                for path in files:
                    if supported(path) and path not in illustrations:
                        job = self._job(path, root, path.relative_to(root).as_posix(), known, report)
                        known.pop(str(path), None)
                        if job:
                            yield job
                    else:
                        report.skipped[extension(path)] = report.skipped.get(extension(path), 0) + 1
                if not files:
                    report.failed.append(Failure(str(given), "the folder holds no files to index"))
                for key in sorted(known):  # indexed before, gone from the folder now
                    yield _FileJob(Path(key), key, str(root), "", "", False)
            elif supported(given):
                resolved = given.resolve()
                known = self.catalog.file_hashes(str(resolved.parent))
                job = self._job(resolved, resolved.parent, resolved.name, known, report)
                if job:
                    yield job
            else:
                report.failed.append(Failure(str(given), unsupported_reason(given)))

    def _job(
        self, path: Path, root: Path, source: str, known: dict[str, str], report: SyncReport
    ) -> _FileJob | None:
        """What to do with one file: ``None`` when it is unchanged or unreadable (the
        index keeps what it had); a job with no hash when it vanished."""
        key = str(path)
        try:
            digest = content_hash(FORMAT_VERSION + path.read_bytes())
        except FileNotFoundError:
            return _FileJob(path, key, str(root), source, "", False) if key in known else None
        except OSError as exc:
            report.failed.append(Failure(key, f"cannot read the file ({exc.strerror or exc}); check its permissions"))
            return None
        previous = known.get(key)
        if previous == digest:
            report.unchanged += 1
            return None
        return _FileJob(path, key, str(root), source, digest, is_new=previous is None)

    # -- one file ------------------------------------------------------------------------

    def _sync_file(self, job: _FileJob, report: SyncReport) -> None:
        if not job.hash:
            self._remove_file(job.key, report)
            return
        try:
            documents = load_file(job.path, job.source)
        except LoadError as exc:
            report.failed.append(Failure(exc.path, exc.reason))
            return
        known = self.catalog.document_hashes(job.key)
        current = {d.source for d in documents}
        clash = self._source_clash(current - set(known), job.key)
        if clash:
            report.failed.append(Failure(job.key, clash))
            return
        gone = sorted(set(known) - current)
        if gone:
            report.deleted += self._delete_sources(gone)
        for document in documents:
            if known.get(document.source) == document.hash:
                if self.extras is not None:  # the text is as indexed; what the loader found beside it may be new
                    self.extras.replace([document])
                continue
            longest = max((s.title for s in document.sections), key=len, default=None)
            chunks = self.chunker.split(
                document, fits=lambda text, t=document.title: self.embedder.fits(embedding_text(t, text, longest))
            )
            self._pending.append((document, chunks, job.key))
            if sum(len(c) for _, c, _ in self._pending) >= FLUSH_CHUNKS:
                self._flush(report)
        self._pending_files.append(job)
        if job.is_new:
            report.added += 1
        else:
            report.updated += 1

    def _source_clash(self, new_sources: set[str], file: str) -> str | None:
        for source, owner in self.catalog.owners(new_sources).items():
            if owner != file:
                return (
                    f"its document name {source!r} is already indexed from {owner}; "
                    "rename one of them or index them into separate collections"
                )
        return None

    def _flush(self, report: SyncReport) -> None:
        if self._pending:
            chunks = [c for _, doc_chunks, _ in self._pending for c in doc_chunks]
            titles = {d.source: d.title for d, _, _ in self._pending}
            texts = [embedding_text(titles[c.source], c.text, c.section) for c in chunks]
            vectors = self.embedder.embed(texts)
            old_ids = set(self.catalog.chunk_ids(titles))
            self.vectors.upsert(chunks, vectors, [titles[c.source] for c in chunks])
            stale = sorted(old_ids - {c.id for c in chunks})
            self.vectors.delete(stale)
            by_file: dict[str, list[tuple[Document, list[Chunk]]]] = {}
            for document, doc_chunks, file in self._pending:
                by_file.setdefault(file, []).append((document, doc_chunks))
            for file, items in by_file.items():
                self.catalog.replace_documents([d for d, _ in items], [c for _, cs in items for c in cs], file)
            if self.extras is not None:
                self.extras.replace([d for d, _, _ in self._pending])
            report.embedded += len(chunks)
            report.deleted += len(stale)
            self._pending = []
        for job in self._pending_files:
            self.catalog.set_file(job.key, job.root, job.hash)
        self._pending_files = []

    def _prune_extras(self) -> None:
        """Tables and scan notes go with their documents (deleted, or their file removed)."""
        if self.extras is not None:
            self.extras.keep_only(source for source, _, _ in self.catalog.documents())

    def _delete_sources(self, sources: list[str]) -> int:
        ids = self.catalog.chunk_ids(sources)
        self.vectors.delete(ids)
        self.catalog.remove_documents(sources)
        return len(ids)

    def _remove_file(self, key: str, report: SyncReport) -> None:
        self._flush(report)
        ids = self.catalog.remove_file(key)
        self.vectors.delete(ids)
        report.deleted += len(ids)
        report.removed += 1


def walk_files(root: Path) -> Iterator[Path]:
    """Files under ``root``, sorted, skipping hidden entries. Links to folders are
    followed (documentation folders often link to where a package keeps its
    files), each real folder once, so a link loop cannot trap the walk."""
    seen = {os.path.realpath(root)}
    for folder, dirs, files in os.walk(root, followlinks=True):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            real = os.path.realpath(os.path.join(folder, name))
            if real not in seen:
                seen.add(real)
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name

