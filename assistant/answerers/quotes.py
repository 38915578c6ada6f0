"""What the reader answerer quotes around its answer: the sentence(s) holding the span,
with the sentence before when the first leans on it, and what the last one announces.
A document's title line and its section headings, which name a topic, are marked so that
they are not the answer."""

from __future__ import annotations

import re

from assistant.text import Sentence, leans_on_previous, sentences, unwrapped
from assistant.types import Passage
from index.terms import stem, words

TITLE_WORDS = 20  # a first line longer than this is text, not a title
DETAILS_CHARS = 500  # how much of what a sentence ending with a colon announces is quoted with it
# A conversational turn's answer is a clause or a procedure, not a name: its quote goes on to the
# next sentences of the paragraph up to this many words. Fitted on doc2dial's held-out training
# turns (runs/doc2dial-reader/dev.jsonl.gz: quote F1 .489 one sentence, .514 at 20, .521 at 25,
# .519 at 30, .498 at 35); on QED's dev split (search queries, not conversation) it lowers F1.
CONVERSATION_WORDS = 25
COUNT_WORDS = frozenset("two three four five six seven eight nine ten several various many some few number of a "
                        "the following different multiple".split())
# A sentence that ends on an unnamed count of things ("AAV vector systems have a number of engaging
# properties.") announces them: what they are comes next. Only quantifiers that leave the things
# uncounted: "two recent pay slips" or "many business districts" name what they count.
UNCOUNTED = re.compile(r"\b(?:a number of|a (?:variety|range|host|series) of|several|various|multiple|numerous)"
                       r"((?:\s+[\w-]+){1,4})[\s.;,)\]\[\d-]*$", re.IGNORECASE)
# An answer that opens with one of these and ends on what the question asks about counts those
# things without saying what they are ("two clinical trial failures").
QUANTIFIER = re.compile(r"(?:a number of|a few|several|various|many|multiple|numerous|two|three|four|five|six|seven|"
                        r"eight|nine|ten)\b", re.IGNORECASE)
HOW_MANY = re.compile(r"\bhow (?:many|much)\b", re.IGNORECASE)  # a question the count itself answers


def quote_around(passage: Passage, start: int, end: int, question: str | None = None,
                 min_words: int = 0) -> Sentence:
    """The sentence(s) of ``passage`` holding characters ``start:end`` of its text
    (and the one before, when the first leans on it; the ones after, when the last
    announces them, or while the quote is shorter than ``min_words`` and they go on
    its paragraph), with offsets into the document."""
    split = sentences(passage.text, offset=passage.start)
    first, last = passage.start + start, passage.start + end
    covering = [i for i, s in enumerate(split) if s.end > first and s.start < last] or list(range(len(split)))
    opening, closing = covering[0], covering[-1]
    if opening and leans_on_previous(split[opening].text):  # "It opened in 2019." is quoted with its subject
        opening -= 1
    closing += announced(split[closing:], passage.text, passage.start, question, (first, last))
    closing += continued(split[opening : closing + 1], split[closing + 1 :], passage.text, passage.start, min_words)
    s, e = split[opening].start, split[closing].end
    return Sentence(s, e, passage.text[s - passage.start : e - passage.start])


def shown(passage: Passage, quote: Sentence) -> str:
    """A quote (document offsets) as an answer shows it: on one line where the document only wrapped it."""
    return unwrapped(passage.text, quote.start - passage.start, quote.end - passage.start)


def announced(following: list[Sentence], text: str, offset: int, question: str | None,
              span_at: tuple[int, int]) -> int:
    """How many sentences after ``following[0]`` it announces: the lines after a sentence
    ending with a colon ("You will need:" and the lines of its list, up to ``DETAILS_CHARS``), or the
    next one when the answer (at document offsets ``span_at``) only counts what the question asks
    about ("Two vaccinia vectors" for "What vaccinia vectors were developed?") or ends its sentence
    on a count of things it does not name ("… have a number of engaging properties.")."""
    if following[0].text.rstrip().endswith(":"):
        taken, size = 0, 0
        for before, sentence in zip(following, following[1:]):
            gap = text[before.end - offset : sentence.start - offset]
            size += len(sentence.text)
            if "\n" not in gap or (taken and ("\n\n" in gap or size > DETAILS_CHARS)):
                break  # the list is its lines, up to a blank line
            taken += 1
        return taken
    if question is None or len(following) < 2:
        return 0
    span = text[span_at[0] - offset : span_at[1] - offset]
    if only_counts(span, question):
        return 1
    return int(closes(following[0], span_at[1])
               and (ends_uncounted(following[0], *span_at) or counts_the_asked(span, question)))


def continued(quoted: list[Sentence], following: list[Sentence], text: str, offset: int, min_words: int) -> int:
    """How many of ``following`` to add so that the quote holds ``min_words`` words, without
    crossing a blank line (the end of its paragraph)."""
    size, taken = sum(len(s.text.split()) for s in quoted), 0
    before = quoted[-1]
    for sentence in following:
        if size >= min_words or "\n\n" in text[before.end - offset : sentence.start - offset]:
            break
        size, taken, before = size + len(sentence.text.split()), taken + 1, sentence
    return taken


def closes(sentence: Sentence, span_end: int) -> bool:
    """The answer ending at document offset ``span_end`` ends ``sentence``, but for its
    punctuation and reference marks ("… properties [12] .")."""
    return not sentence.text[span_end - sentence.start :].strip(" .;,)][0123456789-\n\"'”’")


def ends_uncounted(sentence: Sentence, span_start: int, span_end: int) -> bool:
    """``sentence`` ends, where the answer ends, on an uncounted number of plural things
    (``UNCOUNTED``), and the answer is those things: it starts no earlier than their count. A
    longer answer that only ends on them ("… to reduce spasticity in a variety of neurological
    conditions") says what it says."""
    found = UNCOUNTED.search(sentence.text[: span_end - sentence.start].rstrip(" .;,"))
    if found is None or span_start < sentence.start + found.start():
        return False
    last = found.group(1).split()[-1].lower()
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


def counts_the_asked(span: str, question: str) -> bool:
    """The answer is a count of the very things the question asks about ("two clinical trial
    failures" for "What is an example of failure of rAd5?"): it opens with a quantifier and its
    last word is one of the question's."""
    said = words(span)
    if len(said) < 2 or not QUANTIFIER.match(span.strip()) or HOW_MANY.search(question):
        return False
    return stem(said[-1]) in {stem(w) for w in words(question)}


def only_counts(span: str, question: str) -> bool:
    """The span says nothing but how many (or which: "the", "a") of what the question names,
    and the question does not ask how many."""
    said = words(span)
    if len(said) < 2 or said[0] not in COUNT_WORDS or HOW_MANY.search(question):
        return False
    asked = {stem(w) for w in words(question)}
    return all(w in COUNT_WORDS or stem(w) in asked for w in said[1:])


def title_end(passage: Passage) -> int:
    """Where the document's title line ends, when the passage opens the document with one
    (a first line with no closing punctuation and a blank line after it), else 0."""
    if passage.start:
        return 0
    line, newline, rest = passage.text.partition("\n")
    title = line.strip()
    own_line = bool(newline) and rest.lstrip(" \t").startswith("\n")
    return len(line) if own_line and title and title[-1] not in ".!?:;," and len(title.split()) <= TITLE_WORDS else 0


def heading_lines(passage: Passage) -> list[tuple[int, int]]:
    """Where the section headings in ``passage`` stand, as offsets into its text: those of
    its ``sections`` whose title is written at their offset ("6.1.1. Syntax")."""
    found = []
    for start, title in passage.sections:
        at = start - passage.start
        if 0 <= at < len(passage.text) and title and passage.text.startswith(title, at):
            found.append((at, at + len(title)))
    return found
