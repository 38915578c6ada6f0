"""Search a follow-up with what the dialogue is about, not only its own words.

The question and the earlier user turns are embedded together (one batch), searched
as themselves and as the dialogue, each turn's hits say how well every page matches
it, and all of it is fused by ``fusion.fuse`` with the weights fitted on doc2dial's
training dialogues (``fit.py``). Without earlier turns this is exactly the hybrid
retriever.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.dialogue.fusion import DialogueWeights, Rankings, fuse, page_matches, specificity
from assistant.dialogue.turns import Turn
from assistant.phrases import coverage_in
from assistant.retrieval import HybridRetriever
from assistant.text import content_words
from assistant.types import Passage
from index.store import Hit

PAGE_HITS = 200  # chunks searched per turn for how well each page matches it (``fusion.page_evidence``)


def history_vector(earlier: np.ndarray, w: DialogueWeights) -> np.ndarray:
    """The earlier turns' vectors (oldest first) weighted by recency, the opening turn by ``opening`` more."""
    n = len(earlier)
    weights = np.array([w.decay ** (n - 1 - i) for i in range(n)], dtype=np.float32)
    weights[0] += w.opening
    return (weights[:, None] * earlier).sum(0) / weights.sum()


def dialogue_vector(question: np.ndarray, earlier: np.ndarray, w: DialogueWeights) -> np.ndarray:
    """The question's vector plus the earlier turns', unit length."""
    if not len(earlier):
        return question
    mixed = question + w.history_mix * history_vector(earlier, w)
    return mixed / max(float(np.linalg.norm(mixed)), 1e-9)


def keyword_query(question: str, earlier: list[str], w: DialogueWeights) -> str:
    recent = earlier[-w.keyword_turns:] if w.keyword_turns else []
    return " ".join([question, *recent])


def new_topic(question: str, margin: float, w: DialogueWeights, cited_margin: float | None = None) -> bool:
    """``margin``: how much better (cosine) the question matches its own best page than the
    page the earlier turns point to; ``cited_margin``: than the page the last answer cited (None
    when nothing was cited). A long question that clearly belongs elsewhere is a new topic. One
    the last answer's page also holds ("Is there a TTY number?" after an answer from a page that
    gives one) is not, however well another page matches it."""
    if cited_margin is not None and cited_margin <= w.shift_cited_margin:
        return False
    return margin > w.shift_margin and len(content_words(question)) >= w.shift_words


@dataclass(frozen=True)
class Search:
    passages: list[Passage]
    follow_up: bool  # the question continues the dialogue (it has earlier turns and does not read as a new topic)


class DialogueRetriever:
    def __init__(self, base: HybridRetriever, weights: DialogueWeights | None = None):
        self.base = base
        self.weights = weights or DialogueWeights.load()

    @property
    def collection(self):
        return self.base.collection

    def retrieve(self, question: str, turns: list[Turn] = (), k: int | None = None) -> list[Passage]:
        return self.search(question, turns, k).passages

    def search(self, question: str, turns: list[Turn] = (), k: int | None = None) -> Search:
        w = self.weights
        earlier = [t.content for t in turns if t.role == "user"][-w.window:]
        cited = [s for t in reversed(turns) if t.role == "assistant" for s in t.sources]
        if (not earlier and not cited) or self.collection.is_empty():
            return Search(self.base.retrieve(question, k), follow_up=False)
        rankings = self.rankings(question, earlier, cited)
        return Search(self.base.top(fuse(rankings, w), k or self.base.k), follow_up=not rankings.self_contained)

    def rankings(self, question: str, earlier: list[str], cited: list[str]) -> Rankings:
        w, collection, n = self.weights, self.collection, self.base.candidates
        vectors = np.asarray(collection.embedder.embed([question, *earlier]), dtype=np.float32)
        dense, keywords = self.page_hits([*earlier, question], [*vectors[1:], vectors[0]])
        ids = {  # the question's own rankings are the head of its page hits when there are some
            "question_dense": dense[-1][:n] if dense else collection.dense_search(vectors[0], n),
            "question_keywords": keywords[-1][:n] if keywords else collection.keyword_search(question, n),
            "dialogue_dense": collection.dense_search(dialogue_vector(vectors[0], vectors[1:], w), n),
            "dialogue_keywords": collection.keyword_search(keyword_query(question, earlier, w), n),
        }
        ranked = {name: [hit.id for hit in hits] for name, hits in ids.items()}
        pointed = collection.dense_search(history_vector(vectors[1:], w), 1) if earlier else []
        seen = list(dict.fromkeys([*(c for ranking in ranked.values() for c in ranking), *(h.id for h in pointed),
                                   *(h.id for hits in (*dense, *keywords) for h in hits)]))
        records = collection.chunks(seen)
        source_of = {chunk_id: record.source for chunk_id, record in records.items()}

        def pages(per_text: list[list[Hit]]) -> list[dict[str, float]]:
            return [page_matches([(h.id, h.score) for h in hits], source_of) for hits in per_text]

        own, page = ids["question_dense"], source_of.get(pointed[0].id) if pointed else None
        margin = self._margin(vectors[0], own, page, source_of)
        last = None  # the cited page's margin can only keep a would-be new topic in the dialogue: asked only then
        if cited and w.shift_cited_margin >= 0 and margin > w.shift_margin:
            last = margin if cited[0] == page else self._margin(vectors[0], own, cited[0], source_of)
        return Rankings(**ranked, source_of=source_of, cited=cited,
                        self_contained=new_topic(question, margin, w, last),
                        specificity=specificity(question) if w.vague_below else 0.0,
                        pages_dense=pages(dense), pages_keywords=pages(keywords),
                        question_phrases=self.phrases(question, [*ranked["question_dense"],
                                                                 *ranked["question_keywords"]], records))

    def phrases(self, question: str, own: list[str], records: dict) -> dict[str, float]:
        """The phrase coverage of the question's own candidates (none when it has no weight)."""
        if not self.weights.question_phrases:
            return {}
        return coverage_in(self.collection.catalog, question,
                         {c: records[c].text for c in dict.fromkeys(own) if c in records})

    def page_hits(self, texts: list[str], vectors: list[np.ndarray]) -> tuple[list[list[Hit]], list[list[Hit]]]:
        """Each text's dense and keyword hits, for how well every page matches it (none when
        the page evidence has no weight). The dense ones in one request."""
        if not self.weights.page:
            return [], []
        return (self.collection.dense_search_many(vectors, PAGE_HITS),
                [self.collection.keyword_search(text, PAGE_HITS) for text in texts])

    def _margin(self, question: np.ndarray, own: list, page: str | None, source_of: dict[str, str]) -> float:
        """How much better (cosine) the question matches its best chunk than its best on ``page``."""
        if not own or page is None:
            return 0.0
        fit = next((h.score for h in own if source_of.get(h.id) == page), None)
        if fit is None:
            best = self.collection.dense_search(question, 1, source=page)
            fit = best[0].score if best else -1.0
        return own[0].score - fit
