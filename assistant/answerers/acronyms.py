"""What an abbreviation stands for, as the documents spell it out.

"What does FTBFS stand for?" has one right answer, and manuals and papers write it next to
the abbreviation: "avoids FTBFS (Fails To Build From Source) bugs", "angiotensin-converting
enzyme 2 (ACE2)", "FTBFS, this means Fails to build from source". The reader, trained on
few such questions, marks a nearby word instead ("Porters frequently use this acronym").
This answerer finds the definitions with Schwartz and Hearst's matching of the short form's
letters, in order, into the words beside it (Schwartz & Hearst 2003, "A simple algorithm for
identifying abbreviation definitions in biomedical text"), which needs no model and no
fitting. It answers only such questions, and only when a retrieved passage defines the
abbreviation (or, when none of them does, a passage of the collection that mentions it:
a manual defines its abbreviations once, at the first use); anything else goes to the
configured answerer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answerers.quotes import quote_around, shown
from assistant.types import Answer, Citation, Passage
from index.terms import STOPWORDS

_SHORT = r"[\"'“‘]?(?P<short>[A-Za-z0-9][A-Za-z0-9&./+-]*[A-Za-z0-9+])[\"'”’]?"
_NAMED = r"(?:the\s+(?:acronym|abbreviation|initialism|term)\s+)?"
_ASKED = [re.compile(p, re.I) for p in (
    rf"\bwhat\s+(?:does|do)\s+(?:the\s+letters\s+(?:in\s+)?)?{_NAMED}{_SHORT}\s+(?:stand|stands)\s+for\b",
    rf"\bwhat\s+is\s+{_NAMED}{_SHORT}\s+(?:short|an?\s+(?:abbreviation|acronym|initialism))\s+(?:for|of)\b",
    rf"\bwhat\s+is\s+the\s+(?:full\s+(?:form|name)|expansion|long\s+form)\s+of\s+{_NAMED}{_SHORT}",
    rf"^{_SHORT}\s+stands\s+for\s+what\b",
)]
_MEANS = re.compile(rf"\bwhat\s+does\s+{_NAMED}{_SHORT}\s+mean\b", re.I)  # only for a short form in capitals
CONSIDERED = 5  # retrieved passages searched for a definition, best first
MENTIONS = 20  # passages of the collection that mention the abbreviation, searched when those do not define it


@dataclass(frozen=True)
class Definition:
    passage: Passage
    start: int  # the long form's characters in the passage's text
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


def asked(question: str) -> str | None:
    """The abbreviation a question asks the meaning of ("What does FTBFS stand for?" -> "FTBFS")."""
    for pattern in _ASKED:
        found = pattern.search(question.strip())
        if found and found.group("short").lower() not in STOPWORDS:  # "the full name of the chairman"
            return found.group("short")
    found = _MEANS.search(question)
    if found and sum(ch.isupper() for ch in found.group("short")) >= 2:
        return found.group("short")
    return None


def spells(short: str, long: str) -> bool:
    """The short form's letters occur in ``long`` in order, the first starting its first word
    and the last inside its last word (Schwartz & Hearst's rule, read forwards)."""
    letters = [ch.lower() for ch in short if ch.isalnum()]
    text = long.lower()
    if not letters or not text or text[0] != letters[0]:
        return False
    if len(letters) == 1:
        return True
    at = 1
    for letter in letters[1:-1]:
        at = text.find(letter, at) + 1
        if not at:
            return False
    last_word = len(text) - len(text.split()[-1])
    return text.find(letters[-1], max(at, last_word)) >= 0


def _most_words(short: str) -> int:
    """The most words a long form of ``short`` may have (n + 5, at most 2n, for n letters)."""
    letters = sum(ch.isalnum() for ch in short)
    return min(letters + 5, 2 * letters)


def plausible(short: str, long: str) -> bool:
    """A long form of several words, not too many for the short form, most of whose
    letters begin its words ("Debian Free Software Guidelines" for "DFSG")."""
    letters = [ch.lower() for ch in short if ch.isalnum()]
    if len(letters) < 2 or not 2 <= len(long.split()) <= _most_words(short):
        return False
    if short.lower() in long.lower() or "(" in long or ")" in long:
        return False
    initials = [w[0].lower() for w in re.findall(r"[^\W_]+", long)]
    matched, i = 0, 0
    for letter in letters:
        while i < len(initials) and initials[i] != letter:
            i += 1
        if i < len(initials):
            matched, i = matched + 1, i + 1
    return 2 * matched >= len(letters)


def _before(short: str, head: str) -> tuple[int, int] | None:
    """"… Fails To Build From Source (FTBFS)": the fewest words ending ``head`` that spell the short form."""
    head = head.rstrip(" ,")
    for word in reversed(list(re.finditer(r"[^\s(]+", head))[-_most_words(short):]):
        long = head[word.start():]
        if spells(short, long) and plausible(short, long):
            return word.start(), len(head)
    return None


def _after(short: str, text: str) -> tuple[int, int] | None:
    """"FTBFS (Fails To Build From Source)", "FTBFS means Fails to build …": the words from the start
    of ``text`` that spell the short form, the fewest whose last begins with its last letter when some do."""
    last = next((ch.lower() for ch in reversed(short) if ch.isalnum()), "")
    fallback = None
    for word in list(re.finditer(r"[^\s()]+", text))[: _most_words(short)]:
        long = text[: word.end()].rstrip(".,;:!?\"'”’")
        if spells(short, long) and plausible(short, long):
            if long.split()[-1][:1].lower() == last:
                return 0, len(long)
            fallback = fallback or (0, len(long))
    return fallback


_CONNECTOR = re.compile(r"^[\s,]*(?:\(|(?:this\s+|which\s+|that\s+)?(?:stands\s+for|means|is\s+short\s+for|"
                        r"is\s+an?\s+(?:abbreviation|acronym)\s+(?:for|of)|[:=—–-]|,?\s+or)\s*)", re.I)
# "(FTBFS)", "(FTBFS, /…/)", "(abbreviated QPF)", ", or ATP": the long form comes before
_INTRODUCED = re.compile(r"(?:\(\s*(?:abbreviated|abbr\.|or|hereafter|henceforth|also\s+known\s+as|aka)?|,\s*or|"
                         r"\bor)\s*$", re.I)


def definitions(short: str, passage: Passage) -> list[Definition]:
    """Every place ``passage`` spells out ``short``."""
    text, found = passage.text, []
    for mention in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text, re.I):
        introduced = _INTRODUCED.search(text[max(0, mention.start() - 40) : mention.start()])
        span = _before(short, text[: mention.start() - len(introduced.group())]) if introduced else None
        if span is None:
            link = _CONNECTOR.match(text[mention.end() :])
            offset = mention.end() + (link.end() if link else 0)
            rest = text[offset:].split(")", 1)[0] if link and "(" in link.group() else text[offset:]
            span = _after(short, rest) if link else None
            span = (offset + span[0], offset + span[1]) if span else None
        if span:
            found.append(Definition(passage, *span))
    return found


def _normal(definition: Definition) -> str:
    return " ".join(definition.text.lower().split())


class AcronymAnswerer:
    """Answers "What does X stand for?" from a passage that defines X; else ``None``.
    ``mentions(text, n)``: the collection's ``n`` passages best matching ``text`` by keywords."""

    name = "acronym"

    def __init__(self, mentions: Callable[[str, int], list[Passage]] | None = None):
        self.mentions = mentions

    def answer(self, question: str, passages: list[Passage], rewritten: str | None = None) -> Answer | None:
        query = rewritten or question
        short = asked(query)
        if short is None:
            return None
        found = [d for p in passages[:CONSIDERED] for d in definitions(short, p)]
        if not found and self.mentions is not None:
            found = [d for p in self.mentions(short, MENTIONS) for d in definitions(short, p)]
        if not found:
            return None
        said = Counter(map(_normal, found))
        best = max(found, key=lambda d: said[_normal(d)])  # the most often found, then the best ranked
        passage = best.passage
        quote = quote_around(passage, best.start, best.end, query)
        citation = Citation(n=1, source=passage.source, page=passage.page, section=passage.section_at(quote.start),
                            start=quote.start, end=quote.end, quote=quote.text)
        reordered = [passage, *(p for p in passages if p is not passage)]
        return Answer(question=question, rewritten_question=query, answer=f"{best.text} — “{shown(passage, quote)}” [1]",
                      declined=False, short_answer=best.text, citations=[citation], confidence=1.0,
                      passages=reordered, answerer=self.name)
