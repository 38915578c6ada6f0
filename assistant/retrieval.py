"""Hybrid retrieval: dense vectors (Chroma), BM25 keywords (SQLite FTS5) and, among
what those two found, the chunks holding the question's words side by side
(``phrases.py``), combined by reciprocal rank fusion."""

from __future__ import annotations

import json
from itertools import islice

from index import Collection
from index.store import Hit

from assistant.distinct import distinct
from assistant.phrases import coverage_in
from assistant.types import Passage

RRF_K = 60  # the constant of Cormack et al. (2009); damps the weight of top ranks
DEPTH = 3  # how many times k fused candidates to look through for k distinct passages
# The weight of a chunk's phrase coverage (``phrases.py``), as a share of what a first rank
# is worth. Chosen on the reader's dev splits, each source its own collection, through this
# retriever: mean recall@1 of the gold paragraph .795 at 0, .825 at 0.1, .830 at 0.15, .831 at
# 0.25, .832 at 0.35 (recall@5 .951-.953 throughout). QED's search queries lose from 0.25 on
# (.827 at 0, .825 at 0.15, .816 at 0.25, .811 at 0.35): 0.15 is the best mean that costs no
# source a point.
PHRASE_WEIGHT = 0.15


def reciprocal_rank_fusion(rankings: list[list[Hit]], k: int = RRF_K) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            scores[hit.id] = scores.get(hit.id, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def with_phrases(fused: list[tuple[str, float]], weight: float, shares: dict[str, float],
                 k: int = RRF_K) -> list[tuple[str, float]]:
    """``fused`` with ``weight`` × each chunk's phrase coverage × what a first rank is worth, re-sorted."""
    scores = [(chunk, score + weight * shares.get(chunk, 0.0) / (k + 1)) for chunk, score in fused]
    return sorted(scores, key=lambda item: (-item[1], item[0]))


class HybridRetriever:
    def __init__(self, collection: Collection, k: int = 5, hybrid: bool = True, candidates: int = 30,
                 phrase_weight: float = PHRASE_WEIGHT):
        self.collection = collection
        self.k = k
        self.hybrid = hybrid
        self.candidates = max(candidates, k)
        self.phrase_weight = phrase_weight if hybrid else 0.0

    def retrieve(self, query: str, k: int | None = None) -> list[Passage]:
        k = k or self.k
        if self.collection.is_empty():
            return []
        rankings = [self.collection.dense_search(self.collection.embed_query(query), self.candidates)]
        if self.hybrid:
            rankings.append(self.collection.keyword_search(query, self.candidates))
        fused, records = self.fused(query, rankings)
        return self.top(fused, k, records)

    def keyword_passages(self, text: str, n: int) -> list[Passage]:
        """The collection's ``n`` passages best matching ``text`` by keywords (BM25) alone."""
        return self.passages([(hit.id, hit.score) for hit in self.collection.keyword_search(text, n)])

    def fused(self, query: str, rankings: list[list[Hit]]) -> tuple[list[tuple[str, float]], dict | None]:
        """``rankings`` fused, each chunk with ``phrase_weight`` × its phrase coverage
        (``phrases.py``) as a first rank is worth; with the records of those chunks, fetched
        once (None without phrases: ``top`` then fetches only the chunks it shows)."""
        fused = reciprocal_rank_fusion(rankings)
        if not self.phrase_weight:
            return fused, None
        records = self.collection.chunks([chunk_id for chunk_id, _ in fused])
        return with_phrases(fused, self.phrase_weight, coverage_in(
            self.collection.catalog, query, {i: r.text for i, r in records.items()})), records

    def top(self, fused: list[tuple[str, float]], k: int, records: dict | None = None) -> list[Passage]:
        """The first ``k`` passages of ``fused`` that are not copies of a better-ranked one
        (``distinct.py``), looked for among the first ``DEPTH * k``."""
        return list(islice(distinct(self.passages(fused[: DEPTH * k], records)), k))

    def passages(self, fused: list[tuple[str, float]], records: dict | None = None) -> list[Passage]:
        """The chunks of ``(chunk id, score)`` as passages, in that order (their records
        fetched unless given)."""
        if records is None:
            records = self.collection.chunks([chunk_id for chunk_id, _ in fused])
        return [
            Passage(
                id=r.id, source=r.source, page=r.page, start=r.start, end=r.end, text=r.text,
                title=r.title, sections=_sections(r.sections), score=score,
            )
            for chunk_id, score in fused
            if (r := records.get(chunk_id)) is not None
        ]


def _sections(stored: str | None) -> tuple[tuple[int, str], ...]:
    return tuple((int(start), str(title)) for start, title in json.loads(stored)) if stored else ()
