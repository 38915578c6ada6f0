"""Phrase evidence: how much of the question each retrieved candidate says in its words.

BM25 scores each word alone, so a chunk naming "the Debian package checker" and one
that says "package" and "checker" in different sentences look alike. Here each pair of
the question's adjacent content words (stemmed, stopwords out, as the keyword index
holds them: "debian packag", "packag checker") is looked for as a pair within each
sentence of a candidate. A candidate's coverage is the share of the question's pairs
(those whose words the collection holds) it holds, each pair weighted by its rarer
word's inverse document frequency: 1 when it holds them all, little when it shares only
a common pair ("unit state").
``retrieval.py`` adds it to the fused ranks.

A coverage, not a ranking: as a third ranking fused by reciprocal rank, any chunk
holding one common pair got a first-rank vote, and recall@1 of the gold paragraph on
QED's search queries fell from .827 to .794 even at a quarter of the weight.

Only the candidates the dense and keyword searches found are scored: on the reader's
dev splits that did as well as a phrase search of the whole index, and needs no word
positions in the index, so it works alike over SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from index.terms import terms

_BREAK = re.compile(r"[.!?;:](?:\s|$)|\n")  # words either side of a sentence's end are not a phrase


def pairs(text: str) -> list[tuple[str, str]]:
    """Adjacent content words of each sentence or line of ``text``, stemmed."""
    found = []
    for part in _BREAK.split(text):
        stems = terms(part)
        found.extend((a, b) for a, b in zip(stems, stems[1:]) if a != b)
    return found


def coverage(query: str, candidates: Mapping[str, str], frequencies: Mapping[str, int],
             total: int) -> dict[str, float]:
    """For each of ``candidates`` (id -> text) holding a pair of the query's adjacent content
    words, the idf-weighted share of those pairs it holds, in (0, 1]; ``frequencies``: how
    many chunks hold each stemmed word, of ``total``."""
    # a pair with a word no chunk holds cannot be matched: it would only shrink every share
    wanted = {pair for pair in pairs(query) if all(frequencies.get(w, 0) for w in pair)}
    if not wanted:
        return {}
    idf = {pair: math.log(1 + (total + 1) / (min(frequencies[w] for w in pair) + 0.5)) for pair in wanted}
    whole = sum(idf.values())
    shares = {}
    for chunk_id, text in candidates.items():
        held = wanted.intersection(pairs(text))
        if held:
            shares[chunk_id] = sum(idf[p] for p in held) / whole
    return shares


def query_words(query: str) -> list[str]:
    """The stemmed words whose frequencies ``coverage`` needs."""
    return sorted({w for pair in pairs(query) for w in pair})


def coverage_in(catalog, query: str, candidates: Mapping[str, str]) -> dict[str, float]:
    """``coverage`` with the word frequencies of ``catalog`` (SQLite or PostgreSQL)."""
    return coverage(query, candidates, catalog.term_frequencies(query_words(query)), catalog.size_bound())
