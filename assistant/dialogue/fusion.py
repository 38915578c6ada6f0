"""How a follow-up's rankings are combined: one pure function, used alike at question
time (``retrieval.py``) and when the weights are fitted (``fit.py``), so what is fitted
is what runs.

Rankings of chunks, each searched with a different query:
- ``question_dense`` / ``question_keywords``: the question alone;
- ``dialogue_dense``: the question's vector plus the earlier user turns' vectors,
  weighted by recency (``decay`` per turn back) and the opening turn by ``opening``;
- ``dialogue_keywords``: BM25 over the question joined with the last ``keyword_turns`` user turns;
and, for the question's own candidates, ``question_phrases`` × how much of the question
they hold as its adjacent words (``assistant/phrases.py``) × what a first rank is worth.

Each contributes ``weight / (RRF_K + rank)``; a document ranked high by the dialogue's
rankings adds ``prior`` × its own reciprocal rank to each of its chunks, and one cited by
an earlier answer ``cited`` × a first rank's (less by ``decay`` per answer back). A
question that reads as self-contained (``retrieval.new_topic``: it matches some page
clearly better than the page the earlier turns point to, and than the page the last answer
cited) keeps only ``shift`` of the dialogue's weight, so a new topic is not dragged back.

Ranks say which chunks come first, not by how much; a page the whole dialogue keeps
matching clearly is worth more than its rank. ``page_evidence`` adds, to each chunk,
``page`` × how well its page matches every turn (each turn's best chunk score on that
page, scaled to its own hits: 1 for the best, 0 for the weakest), weighted by recency
like the dense query, and the question's own by ``page_question_*``.

A follow-up that names little ("what can i do to get some benefit", four turns after
"Agent Orange") matches pages by its few words; its own rankings and page matches count
in proportion to how much it names (``specificity``), up to ``vague_below``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

RRF_K = 60
WEIGHTS_FILE = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class DialogueWeights:
    question_dense: float = 1.0
    question_keywords: float = 1.0
    dialogue_dense: float = 1.0
    dialogue_keywords: float = 1.0
    decay: float = 0.7
    opening: float = 0.5
    history_mix: float = 1.0  # how much the earlier turns weigh against the question in the dense query
    keyword_turns: int = 2
    prior: float = 1.0
    cited: float = 1.0  # weight of the documents an earlier answer cited
    shift: float = 0.3  # share of the dialogue's weight a self-contained question keeps
    shift_margin: float = 0.1  # a question that matches its own best page by this much more (cosine) than the
    shift_words: int = 6  # dialogue's page, and has at least this many content words, is a new topic
    shift_cited_margin: float = -1.0  # ... and by this much more than the page the last answer cited (< 0: not asked)
    window: int = 8  # earlier user turns read
    page: float = 0.0  # weight of the page evidence against the reciprocal ranks
    page_keywords: float = 1.0  # an earlier turn's keyword match of a page against its dense one
    page_question_dense: float = 1.0
    page_question_keywords: float = 0.5
    question_phrases: float = 0.0
    vague_below: float = 0.0  # a question naming less than this much (``specificity``) counts for less; 0: off

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "DialogueWeights":
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())["weights"]
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Rankings:
    """Chunk ids best first, and the source of each chunk seen."""

    question_dense: list[str]
    question_keywords: list[str]
    dialogue_dense: list[str]
    dialogue_keywords: list[str]
    source_of: dict[str, str]
    cited: list[str]  # sources cited by earlier answers, most recent first
    self_contained: bool = False
    # per text searched (the earlier user turns oldest first, then the question): page -> match in [0, 1]
    pages_dense: list[dict[str, float]] = field(default_factory=list)
    pages_keywords: list[dict[str, float]] = field(default_factory=list)
    question_phrases: dict[str, float] = field(default_factory=dict)  # chunk -> phrase coverage
    specificity: float = 0.0  # how much the question names (``specificity``)


def page_matches(hits: list[tuple[str, float]], source_of: dict[str, str]) -> dict[str, float]:
    """Each page's best hit, scaled between the weakest hit (0) and the best (1)."""
    best: dict[str, float] = {}
    for chunk, score in hits:
        if chunk in source_of:
            best[source_of[chunk]] = max(best.get(source_of[chunk], score), score)
    if not best:
        return {}
    low, high = min(score for _, score in hits), max(best.values())
    return {page: (score - low) / (high - low) if high > low else 1.0 for page, score in best.items()}


def specificity(question: str) -> float:
    """The summed informativeness of the question's topic words ("what can i do to get some
    benefit" names little: "benefit"; "how do I transfer my Post-9/11 GI Bill" names much)."""
    from assistant.answerers.topic import TOPIC_WEIGHT, informativeness

    return sum(w for w in informativeness(question).values() if w >= TOPIC_WEIGHT)


def own_share(r: Rankings, w: DialogueWeights) -> float:
    """How much the question's own rankings count: all of it, unless it names less than ``vague_below``."""
    return 1.0 if not w.vague_below else min(1.0, r.specificity / w.vague_below)


def _reciprocal(ranking: list[str], weight: float, into: dict[str, float]) -> None:
    if weight:
        for rank, chunk in enumerate(ranking):
            into[chunk] = into.get(chunk, 0.0) + weight / (RRF_K + rank + 1)


def fuse(r: Rankings, w: DialogueWeights, history: bool = True) -> list[tuple[str, float]]:
    """``(chunk id, score)`` best first. ``history=False``: the question's rankings only."""
    scores: dict[str, float] = {}
    own = own_share(r, w) if history else 1.0
    _reciprocal(r.question_dense, own * w.question_dense, scores)
    _reciprocal(r.question_keywords, own * w.question_keywords, scores)
    if w.question_phrases:
        for chunk, share in r.question_phrases.items():
            scores[chunk] = scores.get(chunk, 0.0) + own * w.question_phrases * share / (RRF_K + 1)
    if history:
        keep = w.shift if r.self_contained else 1.0
        _reciprocal(r.dialogue_dense, keep * w.dialogue_dense, scores)
        _reciprocal(r.dialogue_keywords, keep * w.dialogue_keywords, scores)
        prior = document_prior(r, w)
        if prior:
            for chunk in list(scores):
                scores[chunk] += keep * prior.get(r.source_of.get(chunk, ""), 0.0)
        evidence = page_evidence(r, w, keep)
        if evidence and w.page:
            for chunk in list(scores):
                scores[chunk] += w.page * evidence.get(r.source_of.get(chunk, ""), 0.0)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def page_evidence(r: Rankings, w: DialogueWeights, keep: float = 1.0) -> dict[str, float]:
    """How well each page matches the dialogue, in [0, 1]: the turns' page matches weighted by
    recency (``decay``, the opening turn ``opening`` more, all by ``keep``) and the question's own."""
    if not r.pages_dense:
        return {}
    n = len(r.pages_dense) - 1
    recency = [keep * w.decay ** (n - 1 - i) for i in range(n)]
    if n:
        recency[0] += keep * w.opening
    parts = [(matches, weight) for i in range(n)
             for matches, weight in ((r.pages_dense[i], recency[i]), (r.pages_keywords[i], recency[i] * w.page_keywords))]
    own = own_share(r, w)
    parts += [(r.pages_dense[n], own * w.page_question_dense), (r.pages_keywords[n], own * w.page_question_keywords)]
    total = sum(weight for _, weight in parts)
    evidence: dict[str, float] = {}
    for matches, weight in parts if total else ():
        for page, match in matches.items():
            evidence[page] = evidence.get(page, 0.0) + weight * match / total
    return evidence


def document_prior(r: Rankings, w: DialogueWeights) -> dict[str, float]:
    """Each document's reciprocal rank among the dialogue's rankings (by its best chunk) times ``prior``,
    plus ``cited`` for the documents earlier answers cited. The two weigh apart: ``prior`` is fitted on
    dialogues without answers, where nothing is cited, and must not switch the cited pages off."""
    prior: dict[str, float] = {}
    rankings = ((r.dialogue_dense, w.dialogue_dense), (r.dialogue_keywords, w.dialogue_keywords)) if w.prior else ()
    for ranking, weight in rankings:
        documents = list(dict.fromkeys(r.source_of[c] for c in ranking if c in r.source_of))
        for rank, source in enumerate(documents):
            prior[source] = prior.get(source, 0.0) + w.prior * weight / (RRF_K + rank + 1)
    for distance, source in enumerate(dict.fromkeys(r.cited)):
        prior[source] = prior.get(source, 0.0) + w.cited * w.decay ** distance / (RRF_K + 1)
    return prior
