"""A question's misspelt words, respelt as the collection spells them: "What is
carageenan?" asked of papers that write "carrageenan" finds nothing by keyword, and the
reader, reading a different word, declines.

A word is respelt only when the collection holds no word of its stem, when it is rare in
English (a typo or an unfamiliar name, not an everyday word the documents happen not to
use: ``RARE_ZIPF``; or a common misspelling of a much commoner word: ``COMMON_ZIPF``),
and when one edit (a letter dropped, added or changed, or two swapped) gives a word that
a chunk holding its stem spells exactly so. Of several, the one in most chunks. The
respelt question is the one searched and read, and the one shown as the rewritten
question, so the user sees what was asked.
"""

from __future__ import annotations

import re
import string
from typing import Protocol

from index.terms import STOPWORDS, stem

MIN_LETTERS = 6  # shorter words are one edit away from too many others
MAX_LETTERS = 30  # longer runs of letters are codes or hashes, not misspelt words
RARE_ZIPF = 2.0  # Zipf frequency in English (wordfreq) below which an absent word may be a misspelling
COMMON_ZIPF = 3.0  # below this, an absent word may be a common misspelling ("recieve" is 2.75) ...
COMMONER_BY = 1.5  # ... when its respelling is this much commoner in English ("receive" is 4.85)
CHUNKS_CHECKED = 3  # chunks holding a candidate's stem searched for its exact spelling
MAX_WORDS = 4  # absent words respelt per question (each costs a lookup of ~50 x its length spellings)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LETTERS = string.ascii_lowercase


class Vocabulary(Protocol):
    """What the speller needs of a catalog (``index.catalog.Catalog``, ``index.sql_catalog.SqlCatalog``)."""

    def term_frequencies(self, stems: list[str]) -> dict[str, int]: ...
    def keyword_search(self, query: str, n: int) -> list[tuple[str, float]]: ...
    def chunks(self, ids: list[str]) -> dict: ...


def edits(word: str) -> set[str]:
    """Every string one edit from ``word`` (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changes = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | changes | inserts) - {word}


def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def same_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    return word.capitalize() if like[:1].isupper() else word


class Speller:
    def __init__(self, vocabulary: Vocabulary, rare_zipf: float = RARE_ZIPF, common_zipf: float = COMMON_ZIPF):
        self.vocabulary = vocabulary
        self.rare_zipf = rare_zipf
        self.common_zipf = common_zipf

    def suspect(self, word: str) -> bool:
        lowered = word.lower()
        return (MIN_LETTERS <= len(lowered) <= MAX_LETTERS and lowered.isascii() and lowered not in STOPWORDS
                and zipf(lowered) < max(self.rare_zipf, self.common_zipf))

    def respell(self, text: str) -> str:
        """``text`` with each misspelt word replaced (its case kept), the rest as it was."""
        words = {m.group() for m in _WORD.finditer(text) if self.suspect(m.group())}
        if not words:
            return text
        held = self.vocabulary.term_frequencies([stem(w.lower()) for w in words])
        absent = sorted(w for w in words if stem(w.lower()) not in held)[:MAX_WORDS]
        fixes = {w: fix for w in absent if (fix := self.correction(w.lower()))}
        if not fixes:
            return text
        return _WORD.sub(lambda m: same_case(fixes[m.group()], m.group()) if m.group() in fixes else m.group(), text)

    def correction(self, word: str) -> str | None:
        """The spelling one edit from ``word`` that the collection uses most, if any; for a
        word of some currency in English, only a spelling much commoner than it."""
        by_stem: dict[str, list[str]] = {}
        for candidate in edits(word):
            by_stem.setdefault(stem(candidate), []).append(candidate)
        counts = self.vocabulary.term_frequencies(list(by_stem))
        currency = zipf(word)
        floor = currency + COMMONER_BY if currency >= self.rare_zipf else None
        for found in sorted(counts, key=lambda s: -counts[s]):
            spelt = self.spelt(by_stem[found])
            if spelt and (floor is None or zipf(spelt) >= floor):
                return spelt
        return None

    def spelt(self, candidates: list[str]) -> str | None:
        """The candidate that the chunks holding its stem spell exactly so ("danger" is held,
        "dangere" is not: "tangere" stays as asked)."""
        ids = [i for i, _ in self.vocabulary.keyword_search(candidates[0], CHUNKS_CHECKED)]
        texts = " ".join(record.text.lower() for record in self.vocabulary.chunks(ids).values())
        held = set(_WORD.findall(texts))
        return next((c for c in sorted(candidates) if c in held), None)
