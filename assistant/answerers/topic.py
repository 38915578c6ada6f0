"""How informative a question's words are, and whether its topic is in the collection
at all — shared by the answerers that decline off-topic questions."""

from __future__ import annotations

from collections.abc import Callable

from assistant.text import content_words, words

TOPIC_WEIGHT = 3.5  # 9 - Zipf frequency: words rarer than about 1 in 300,000 in English
OFF_TOPIC = 0.4
"""Decline when this share of the question's informativeness is found nowhere in the
collection. At 0.4 it declined 70% of the sample suite's unanswerable questions at a
cost of 2.5% of SQuAD's answerable ones (``python -m evals.calibrate``)."""

TermFrequencies = Callable[[list[str]], dict[str, int]]


def informativeness(question: str) -> dict[str, float]:
    """How informative each content word of the question is, keyed by stem.

    Information content from English word frequencies (``wordfreq``: 9 minus the
    Zipf frequency, so "the" weighs about 1 and an unknown name 9), which works the
    same for a three-chunk collection as for a million chunks.
    """
    from wordfreq import zipf_frequency

    weights: dict[str, float] = {}
    for word in words(question):
        stems = content_words(word)
        if stems:
            weight = max(9.0 - zipf_frequency(word, "en"), 0.5)
            weights[stems[0]] = max(weights.get(stems[0], 0.0), weight)
    return weights


def absent_share(question: str, term_frequencies: TermFrequencies | None) -> float:
    """The informativeness-weighted share of the question's topic words found nowhere
    in the collection: "population" asked of a document that never mentions it.
    Everyday words ("take", "long", weight below ``TOPIC_WEIGHT``) phrase the question
    rather than name its topic and are left out."""
    if term_frequencies is None:
        return 0.0
    weights = {s: w for s, w in informativeness(question).items() if w >= TOPIC_WEIGHT}
    found = term_frequencies(list(weights))
    return sum(w for s, w in weights.items() if not found.get(s)) / (sum(weights.values()) or 1.0)
