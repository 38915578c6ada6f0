"""Check that each sentence of a generated answer is supported by the sources it cites.

A sentence is compared with every sentence (and pair of adjacent sentences) of
each cited passage; support is the best combination of embedding similarity and
the share of the sentence's content words found there. Numbers must match
exactly: a sentence with a number its source lacks is unsupported. The
threshold is calibrated on the labelled set in ``evals/verifier/`` by
``python -m evals.verifier``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.text import Sentence, content_words, sentences
from assistant.types import Passage

SUPPORT_THRESHOLD = 0.69  # best F1 of the unsupported flag on evals/verifier/labelled.jsonl
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


@dataclass(frozen=True)
class Support:
    score: float
    passage: Passage
    quote: Sentence  # offsets into the passage's document


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


class Verifier:
    def __init__(self, embed: Callable[[list[str]], np.ndarray], threshold: float = SUPPORT_THRESHOLD):
        self.embed = embed
        self.threshold = threshold

    def spans(self, passage: Passage) -> list[Sentence]:
        split = sentences(passage.text, offset=passage.start)
        pairs = [
            Sentence(a.start, b.end, passage.text[a.start - passage.start : b.end - passage.start])
            for a, b in zip(split, split[1:])
        ]
        return split + pairs

    def support(self, claim: str, passages: list[Passage]) -> Support | None:
        """The best support for ``claim`` among ``passages``, or None when there is nothing to compare."""
        candidates = [(p, s) for p in passages for s in self.spans(p)]
        if not candidates or not claim.strip():
            return None
        vectors = self.embed([claim] + [s.text for _, s in candidates])
        cosines = vectors[1:] @ vectors[0]
        claim_words = set(content_words(claim))
        claim_numbers = _numbers(claim)
        best = None
        for (passage, span), cosine in zip(candidates, cosines):
            span_words = set(content_words(span.text))
            overlap = len(claim_words & span_words) / len(claim_words) if claim_words else 0.0
            score = 0.5 * float(cosine) + 0.5 * overlap
            if claim_numbers - _numbers(span.text):
                score = min(score, self.threshold - 0.01)
            if best is None or score > best.score:
                best = Support(score, passage, span)
        return best

    def supported(self, claim: str, passages: list[Passage]) -> tuple[bool, Support | None]:
        best = self.support(claim, passages)
        return (best is not None and best.score >= self.threshold), best
