"""The words search works with: lower-cased, possessives dropped, stopwords out,
stemmed (Snowball English). Indexing and querying both go through ``terms`` so
the keyword index and the questions always agree."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")

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
    return [_POSSESSIVE.sub("", w.lower().replace("’", "'")) for w in _WORD.findall(text)]


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """The stemmed content words of ``text``, in order, duplicates kept."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
