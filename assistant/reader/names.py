"""Questions that ask for a name — "which file …", "what is the package for … called?" —
get the name, not the clause around it. The reader, trained partly on dialogue turns
whose answers are whole sentences, can take "apt downloads from are listed in
/etc/apt/sources.list" for "which file lists the mirrors?"; when the span holds exactly
one command, file, package or option name the question did not already say, that name is
the answer; and when the reader's best span is no name ("Pass" in "Pass --no-act to dpkg …")
but one of its spans nearly as good is, that one is."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.reader.spans import code_like
from assistant.text import common, words

if TYPE_CHECKING:
    from assistant.reader.runtime import ReaderSpan

NAME_MARGIN = 1.5  # logits a name may score below the best span and still be the answer (the answerer's tie margin)
NAME_CANDIDATES = 8  # spans per passage looked at for a name

_KINDS = (r"files?|commands?|packages?|options?|flags?|switch(?:es)?|director(?:y|ies)|folders?|paths?|"
          r"headers?|librar(?:y|ies)|modules?|programs?|tools?|utilit(?:y|ies)|binar(?:y|ies)|executables?|"
          r"variables?|settings?|parameters?|keys?|scripts?|daemons?|services?")
_ASKS = re.compile(rf"\b(?:which|what)\b(?:\W+\w+){{0,3}}?\W+(?:{_KINDS})\b", re.IGNORECASE)
_OPENING = "\"'“”‘’`([{<"
_CLOSING = "\"'“”‘’`)]}>.,;:!?"


def asks_for_name(question: str) -> bool:
    return bool(_ASKS.search(question))


def name_in(question: str, text: str, first: int, last: int) -> tuple[int, int]:
    """``(first, last)`` narrowed to the one name in ``text[first:last]`` when the question
    asks for a name (``asks_for_name``) and the span holds exactly one the question does
    not contain; otherwise unchanged."""
    if not asks_for_name(question):
        return first, last
    asked = question.lower()
    names = []
    for match in re.finditer(r"\S+", text[first:last]):
        run = match.group()
        lead = len(run) - len(run.lstrip(_OPENING))
        core = run.lstrip(_OPENING).rstrip(_CLOSING)
        if core and code_like(core) and core.lower() not in asked:
            names.append((first + match.start() + lead, first + match.start() + lead + len(core)))
    if len(names) == 1 and names[0] != (first, last):
        return names[0]
    return first, last


def is_name(question: str, text: str) -> bool:
    """``text`` is one command, file, package or option name that ``question`` does not say (not a
    number or a date, which ``code_like`` also keeps whole)."""
    core = text.strip().lstrip(_OPENING).rstrip(_CLOSING)
    return (" " not in core and any(c.isalpha() for c in core) and code_like(core)
            and core.lower() not in question.lower())


def plain_words(text: str) -> bool:
    """Every word of ``text`` is common English ("Pass", "the package"): no name of anything. A
    rarer word may be one that ``code_like`` does not know ("sudo", "lintian", "spritesheet")."""
    found = words(text)
    return bool(found) and all(common(w) for w in found)


def named_first(question: str, ranked: list[ReaderSpan]) -> list[ReaderSpan]:
    """``ranked`` (best first) with the best name in the best span's place, and with its score, when
    the question asks for a name, the best span is plain words (``plain_words``), and the name scores within ``NAME_MARGIN``
    of it. (The passage's evidence, which ranks passages and decides declines, does not change.)"""
    if not ranked or not asks_for_name(question) or not plain_words(ranked[0].text):
        return ranked
    for span in ranked[1:]:
        if span.margin < ranked[0].margin - NAME_MARGIN:
            break
        if is_name(question, span.text):
            return [replace(span, margin=ranked[0].margin), *(s for s in ranked if s is not span)]
    return ranked
