"""Passages that say what a better-ranked passage already says are left out of what is
read: a folder often holds one manual as HTML, PDF, EPUB and its reST source, and
their copies of one paragraph took three of the five places the reader reads (in
evals/debian-docs, a passage's nearest better-ranked copy held 84-100% of its text,
while distinct passages shared under 10%, and ones cut at other boundaries 35-70%)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from assistant.types import Passage
from index.terms import words

SHINGLE = 4  # words
DUPLICATE = 0.8  # share of a passage's shingles found in one better-ranked passage


def shingles(text: str) -> set[tuple[str, ...]]:
    said = words(text)
    return {tuple(said[i : i + SHINGLE]) for i in range(max(len(said) - SHINGLE + 1, 1))}


def distinct(passages: Iterable[Passage]) -> Iterator[Passage]:
    """``passages`` in order, without those mostly held by one before them."""
    kept: list[set[tuple[str, ...]]] = []
    for passage in passages:
        own = shingles(passage.text)
        if any(len(own & other) >= DUPLICATE * len(own) for other in kept):
            continue
        kept.append(own)
        yield passage
