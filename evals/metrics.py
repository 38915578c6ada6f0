"""Metrics of retrieval, answers, citations and refusals.

Answer metrics follow the SQuAD evaluation script (lower case, no punctuation,
no articles, single spaces), extended to Unicode punctuation so that a curly
apostrophe in a document matches a straight one in a gold answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith("P") or ch in "$+<=>^`|~" else ch for ch in text)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _strip_punctuation_only(text: str) -> str:
    """SQuAD removes punctuation without a space; keep word joins like "o'sullivan" -> "osullivan"."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join("" if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    if not golds:
        return 0.0
    pred = _strip_punctuation_only(prediction)
    return float(any(pred == _strip_punctuation_only(g) for g in golds))


def f1(prediction: str, golds: Sequence[str]) -> float:
    """Token F1 against the best of ``golds``."""
    best = 0.0
    pred_tokens = _strip_punctuation_only(prediction).split()
    for gold in golds:
        gold_tokens = _strip_punctuation_only(gold).split()
        common = Counter(pred_tokens) & Counter(gold_tokens)
        same = sum(common.values())
        if not same:
            continue
        precision, recall = same / len(pred_tokens), same / len(gold_tokens)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def containment(prediction: str, golds: Sequence[str]) -> float:
    """1 when a normalised gold answer occurs in the normalised prediction, on word boundaries."""
    pred = f" {normalize(prediction)} "
    return float(any(normalize(g) and f" {normalize(g)} " in pred for g in golds))


def occurrences(text: str, answer: str) -> list[tuple[int, int]]:
    """Where ``answer`` occurs in ``text``: ``(start, end)`` offsets, exact first, else ignoring case and spacing."""
    found = [(m.start(), m.end()) for m in re.finditer(re.escape(answer), text)] if answer else []
    if found or not answer.strip():
        return found
    loose = r"\s+".join(re.escape(word) for word in answer.split())
    return [(m.start(), m.end()) for m in re.finditer(loose, text, re.IGNORECASE)]


def overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def recall_at(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    relevant = set(relevant)
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def mrr_at(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    relevant = set(relevant)
    for rank, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], relevance: dict[str, float], k: int = 10) -> float:
    """nDCG with graded relevance (``relevance[doc]``, 0 when absent), gain = rel / log2(rank + 1)."""
    dcg = sum(relevance.get(doc, 0.0) / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], start=1))
    ideal = sorted((r for r in relevance.values() if r > 0), reverse=True)[:k]
    idcg = sum(rel / math.log2(rank + 1) for rank, rel in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, ``q`` in [0, 100]."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(position), math.ceil(position)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (position - lo)


def dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
