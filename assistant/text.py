"""Sentences with offsets, the content words of a text (stemmed, no stopwords), common
English words, and brackets kept in pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.terms import STOPWORDS, stem, words

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+|\n+")
WRAPPED_LINE = 40  # characters: text is wrapped at 60 to 80, a list's items are shorter
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt vs etc e.g i.e a.m p.m no fig inc ltd co corp gen gov sen rep lt col capt "
    "u.s u.k u.n e.u jan feb mar apr jun jul aug sep sept oct nov dec approx est dept univ".split()
)
QUESTION_WORDS = frozenset("what which who whom whose when where why how".split())
_LEANING = re.compile(r"^(?:[“\"‘]|(?:it|its|he|his|she|her|they|their|them|this|these|that|those|such|there)\b)", re.I)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split ``text`` into sentences; ``start``/``end`` are offsets into ``text`` plus ``offset``."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        if match.group().strip() and "\n" not in match.group() and _is_abbreviation(text, match.start()):
            continue  # "etc. and" goes on; "etc.\n• next item" is a new line
        following = text[match.end() : match.end() + 1]
        if match.group().strip() and following and following.islower():
            continue
        if match.group() == "\n" and _wrapped(text, match.start(), match.end()):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    result = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append(Sentence(s + offset, e + offset, text[s:e]))
    return result


def _wrapped(text: str, newline: int, after: int) -> bool:
    """A line break inside a sentence of hard-wrapped text ("which is\n   necessary for"): the line
    is as long as wrapped lines are, does not end a clause, and the next one goes on in lower case
    (short lines in lower case are a list's items: "flour\nsugar")."""
    line = text[text.rfind("\n", 0, newline) + 1 : newline].strip()
    following = text[after : after + 80].lstrip(" \t")[:1]
    return len(line) >= WRAPPED_LINE and line[-1] not in ".!?…:;" and following.islower()


def unwrapped(text: str, start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` with the line breaks of hard wrapping (``_wrapped``) and their indents
    read as spaces. Each break is judged in the whole of ``text``: a quote that begins mid-line
    ("The reasons why we\nadopted …") has the start of that line outside it."""
    def read(m: re.Match) -> str:
        return " " if _wrapped(text, start + m.start(), start + m.end()) else m.group()

    return re.sub(r"[ \t]*\n[ \t]*", read, text[start:end])


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def leans_on_previous(text: str) -> bool:
    """A sentence whose subject is in the one before ("It opened in 2019.", a quote's continuation)."""
    return bool(_LEANING.match(text))


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning, in order (duplicates kept)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS]


COMMON_ZIPF = 3.0  # wordfreq's Zipf scale: one in a million words or more frequent ("hm", "ok", "pass")


def common(word: str) -> bool:
    """``word`` is common English (not a name, a command or a rare term)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= COMMON_ZIPF


_CLOSES = {")": "(", "]": "[", "}": "{"}
_QUOTE_PAIRS = (("“", "”"), ("«", "»"))


def balanced(text: str) -> str:
    """``text`` without the half of a bracket or quotation mark pair that a span cut: "0 and 15)" → "0 and 15",
    "2048 bits (4096 bits" → "2048 bits", "Tape ARchive”" → "Tape ARchive",
    'MIME-Magic\\0\\n"' → 'MIME-Magic\\0\\n'; "debi(1)" and "(a) or (b)"
    stay as they are."""
    for opening, closing in _QUOTE_PAIRS:
        if text.endswith(closing) and opening not in text:
            return balanced(text[:-1].rstrip())
        if text.startswith(opening) and closing not in text:
            return balanced(text[1:].lstrip())
    if text.count('"') % 2:  # a straight quotation mark opens and closes alike: an odd one at an end is half a pair
        if text.endswith('"') and not text[-2:-1].isdigit():  # but 3.5" is inches
            return balanced(text[:-1].rstrip())
        if text.startswith('"'):
            return balanced(text[1:].lstrip())
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([{":
            opened.append(i)
        elif ch in _CLOSES:
            if opened and text[opened[-1]] == _CLOSES[ch]:
                opened.pop()
            elif not opened and i in (0, len(text) - 1):
                return balanced((text[1:] if i == 0 else text[:-1]).strip())
            else:
                return text
    if opened:
        return text[: opened[0]].rstrip() or balanced(text[1:].lstrip())
    return text
