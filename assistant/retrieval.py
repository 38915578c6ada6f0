"""Hybrid retrieval: dense vectors (Chroma) and BM25 keywords (SQLite FTS5),
combined by reciprocal rank fusion."""

from __future__ import annotations

import json
from itertools import islice

from index import Collection
from index.store import Hit

from assistant.distinct import distinct
from assistant.types import Passage

RRF_K = 60  # the constant of Cormack et al. (2009); damps the weight of top ranks
DEPTH = 3  # how many times k fused candidates to look through for k distinct passages


def reciprocal_rank_fusion(rankings: list[list[Hit]], k: int = RRF_K) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            scores[hit.id] = scores.get(hit.id, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


class HybridRetriever:
    def __init__(self, collection: Collection, k: int = 5, hybrid: bool = True, candidates: int = 30):
        self.collection = collection
        self.k = k
        self.hybrid = hybrid
        self.candidates = max(candidates, k)

    def retrieve(self, query: str, k: int | None = None) -> list[Passage]:
        k = k or self.k
        if self.collection.is_empty():
            return []
        rankings = [self.collection.dense_search(self.collection.embed_query(query), self.candidates)]
        if self.hybrid:
            rankings.append(self.collection.keyword_search(query, self.candidates))
        return self.top(reciprocal_rank_fusion(rankings), k)

    def top(self, fused: list[tuple[str, float]], k: int) -> list[Passage]:
        """The first ``k`` passages of ``fused`` that are not copies of a better-ranked one
        (``distinct.py``), looked for among the first ``DEPTH * k``."""
        return list(islice(distinct(self.passages(fused[: DEPTH * k])), k))

    def passages(self, fused: list[tuple[str, float]]) -> list[Passage]:
        """The chunks of ``(chunk id, score)`` as passages, in that order."""
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
