"""Questions that ask for a name — "which file …", "what is the package for … called?" —
get the name, not the clause around it. The reader, trained partly on dialogue turns
whose answers are whole sentences, can take "apt downloads from are listed in
/etc/apt/sources.list" for "which file lists the mirrors?"; when the span holds exactly
one command, file, package or option name the question did not already say, that name is
the answer."""

from __future__ import annotations

import re

from assistant.reader.spans import code_like

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
