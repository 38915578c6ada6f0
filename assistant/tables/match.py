"""How a question names a table's rows and columns.

A row is named by its key values, matched exactly after normalising case, spacing and
prefixes ("v10" is "10", "Alpha" is "alpha", "22.04" names "22.04 LTS"); a column by
its header's words, stemmed (a header word cut short, "Params", by the word it begins),
or by the plain-language phrases people use for common
headers ("released" → release, "end of life" → eol). Nothing is matched by similarity:
a row the question does not name is not a nearest row."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.terms import STOPWORDS, stem, words

SYNONYMS: dict[str, tuple[str, ...]] = {
    "release": ("released", "release date", "come out", "came out", "launched", "published", "shipped"),
    "eol": ("end of life", "end-of-life", "supported until", "support end", "support ends", "support ended",
            "end of support", "unsupported", "security support end", "stop being supported"),
    "created": ("created", "creation", "development start", "development began", "development started"),
    "codename": ("code name", "codenamed", "code-named", "called", "nickname"),
    "version": ("version number", "number"),
    "lts": ("long term support", "long-term support"),
    "elts": ("extended long term support", "extended lts"),
    "price": ("cost", "costs", "how much"),
    "length": ("how long",), "height": ("how tall", "how high"), "width": ("how wide",),
    "weight": ("how heavy",), "size": ("how big", "how large"), "age": ("how old",), "distance": ("how far",),
    "date": ("when", "what day"),
    "count": ("how many", "number of"),
}
"""Phrases a question uses for words of common headers; a header word not listed is
still matched by itself, stemmed ("releases" finds "release")."""

_TOKEN = re.compile(r"(?<![\w-])[-+](?=\d)[\w.+/:-]*[\w+]|[\w][\w.+/:-]*[\w+]|\w")  # "-3157+11551" keeps its sign
_PREFIX = re.compile(r"^(?:v|ver|version|no|nr|#)\.?\s*(?=\d)", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}/\d{1,2}/\d{2,4}")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_VERSIONISH = re.compile(r"\d+(?:\.\d+)*[a-z]?")


def normal(value: str) -> str:
    """A key as matched: lower case, single spaces, no "v"/"version" prefix before a number."""
    return _PREFIX.sub("", " ".join(value.lower().split()).strip(" .,;:!?\"'“”‘’()"))


def tokens(text: str) -> list[str]:
    return [normal(t) for t in _TOKEN.findall(text)]


def phrases(text: str, longest: int = 5) -> set[str]:
    """Every run of up to ``longest`` tokens of ``text``, normalised: what a key may equal."""
    found = tokens(text)
    return {" ".join(found[i : i + n]) for n in range(1, longest + 1) for i in range(len(found) - n + 1)}


def is_date(value: str) -> bool:
    return bool(_DATE.fullmatch(value.strip()))


def as_number(value: str) -> float | None:
    text = value.strip().replace(",", "")
    return float(text) if _NUMBER.fullmatch(text) else None


def keys_of(cell: str) -> set[str]:
    """What names a row by this cell: the cell, for "22.04 LTS" its leading number, and for
    "Tierra del Fuego (TF)" the words before the brackets."""
    key = normal(cell)
    if not key or key in STOPWORDS or (len(key) == 1 and not key.isdigit()):
        return set()
    found = {key}
    named, bracket, said = key.partition(" (")
    if bracket and said and named not in STOPWORDS:  # "tierra del fuego (tf)" is named "tierra del fuego"
        found.add(named)
    first = key.split(" ", 1)[0]
    if first != key and _VERSIONISH.fullmatch(first):
        found.add(first)
    return found


def question_stems(question: str) -> set[str]:
    """The question's stemmed words, with the header words its phrases stand for."""
    text = " ".join(words(question))
    found = {stem(w) for w in text.split()}
    for head, said in SYNONYMS.items():
        if any(re.search(rf"\b{re.escape(phrase)}\b", text) for phrase in said):
            found.add(stem(head))
    return found


def header_stems(header: str) -> list[str]:
    return [stem(w) for w in re.split(r"[\W_]+", header.lower()) if w and w not in STOPWORDS]


def _shortens(part: str, asked: set[str]) -> bool:
    """A header word cut short ("params", "temp", "approx") that a question word begins with."""
    return len(part) >= 4 and any(len(word) > len(part) and word.startswith(part) for word in asked)


@dataclass(frozen=True)
class ColumnMatch:
    index: int
    verbatim: bool  # the question writes the header as it is ("eol-elts")
    covered: int  # header words the question holds
    share: float  # of the header's words


def columns_named(question: str, header: tuple[str, ...]) -> list[ColumnMatch]:
    """The columns the question names, best first: written as they are, then most
    header words held, then the largest share of the header ("end of life" names
    "eol" before "eol-lts")."""
    asked = question_stems(question)
    said = phrases(question)
    found = []
    for i, name in enumerate(header):
        parts = header_stems(name)
        covered = sum(1 for p in parts if p in asked or _shortens(p, asked))
        if covered:
            found.append(ColumnMatch(i, normal(name) in said, covered, covered / len(parts)))
    return sorted(found, key=lambda m: (not m.verbatim, -m.covered, -m.share, m.index))
