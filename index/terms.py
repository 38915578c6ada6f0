"""The words search works with: lower-cased, possessives dropped, stopwords out,
stemmed (Snowball English). Indexing and querying both go through ``terms`` so
the keyword index and the questions always agree."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves
    also did does doing done many much one ones s t thing things""".split()
)


def words(text: str) -> list[str]:
    """Lower-cased words; hyphenated compounds split, possessive 's dropped, ’ read as '."""
    found = _WORD.findall(text)
    if not found:
        return []
    # Lower-cased and ’ replaced once for the whole text (words hold no spaces): a third
    # of the time per word, which indexing pays for every chunk.
    lowered = " ".join(found).lower().replace("’", "'").split(" ")
    return [w[:-2] if w.endswith("'s") else w for w in lowered]


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# A plain dict, emptied when full, not an lru_cache: a bounded lru_cache keeps its
# order under a lock on every hit, which made stemming 8x slower than the lookups.
_STEMS: dict[str, str] = {}
MAX_STEMS = 200_000


def stem(word: str) -> str:
    stemmed = _STEMS.get(word)
    if stemmed is None:
        if len(_STEMS) >= MAX_STEMS:
            _STEMS.clear()
        stemmed = _STEMS[word] = _stemmer().stemWord(word)
    return stemmed


def terms(text: str) -> list[str]:
    """The stemmed content words of ``text``, in order, duplicates kept."""
    known = _STEMS.get
    return [known(w) or stem(w) for w in words(text) if w not in STOPWORDS]
