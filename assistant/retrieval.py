"""Hybrid retrieval: dense vectors (Chroma), BM25 keywords (SQLite FTS5) and, among
what those two found, the chunks holding the question's words side by side
(``phrases.py``), combined by their scores (``score_fusion``)."""

from __future__ import annotations

import json
from itertools import islice

from index import Collection
from index.store import Hit

from assistant.distinct import distinct
from assistant.phrases import coverage_in
from assistant.types import Passage

DEPTH = 3  # how many times k fused candidates to look through for k distinct passages
# The weight of a chunk's phrase coverage (``phrases.py``) against its fused score, on which a
# chunk first in both lists scores 1. Chosen with the fusion on the reader's dev splits put back
# together as whole articles (runs/oneoff/fusion_probe.py, fusion_eval.py): mean recall@1 of a chunk
# of the right article holding the answer .786 at 0, .798 at 0.1, .807 at 0.3, .813 at 0.4, .816 at
# 0.5; search queries (QED) are flat throughout (.848-.851), so 0.4: beyond it the gain is lexical.
PHRASE_WEIGHT = 0.4


def score_fusion(rankings: list[list[Hit]]) -> list[tuple[str, float]]:
    """The mean over ``rankings`` of each chunk's score scaled within its ranking (its weakest
    hit 0, its best 1; 0 where it is missing), best first.

    Reciprocal rank fusion, used before, keeps only the ranks: a chunk that BM25 puts first by far
    and the dense search 33rd ("the character separating package and version … _ (underscore)")
    fell to 10th. On the reader's dev splits put together as whole articles, one collection, the
    chunk of the right article holding the answer was first for .742 of questions (mean of four
    sources) by reciprocal ranks and .786 by scaled scores; with phrases, .784 (shipped before)
    against .813, and within the first five .936 against .955 — better for every source
    (docs/score-fusion.md). The two lists weigh alike: more weight on the dense one helps search
    queries (QED) and costs the others more; less costs QED.
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        if not ranking:
            continue
        low, high = min(hit.score for hit in ranking), max(hit.score for hit in ranking)
        for hit in ranking:
            scaled = (hit.score - low) / (high - low) if high > low else 1.0
            scores[hit.id] = scores.get(hit.id, 0.0) + scaled / len(rankings)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def with_phrases(fused: list[tuple[str, float]], weight: float, shares: dict[str, float]) -> list[tuple[str, float]]:
    """``fused`` with ``weight`` × each chunk's phrase coverage added, re-sorted."""
    scores = [(chunk, score + weight * shares.get(chunk, 0.0)) for chunk, score in fused]
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
        (``phrases.py``); with the records of those chunks, fetched once (None without
        phrases: ``top`` then fetches only the chunks it shows)."""
        fused = score_fusion(rankings)
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
