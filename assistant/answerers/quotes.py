"""What the reader answerer quotes around its answer: the sentence(s) holding the span,
with the sentence before when the first leans on it, and what the last one announces.
A document's title line and its section headings, which name a topic, are marked so that
they are not the answer."""

from __future__ import annotations

import re

from assistant.text import Sentence, leans_on_previous, sentences
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
    closing += announced(split[closing:], passage.text, passage.start, passage.text[start:end], question)
    closing += continued(split[opening : closing + 1], split[closing + 1 :], passage.text, passage.start, min_words)
    s, e = split[opening].start, split[closing].end
    return Sentence(s, e, passage.text[s - passage.start : e - passage.start])


def announced(following: list[Sentence], text: str, offset: int, span: str, question: str | None) -> int:
    """How many sentences after ``following[0]`` it announces: the lines after a sentence
    ending with a colon ("You will need:" and the lines of its list, up to ``DETAILS_CHARS``), or the
    next one when the answer is only a count of what the question asks about ("Two
    vaccinia vectors were developed." for "What vaccinia vectors were developed?")."""
    if following[0].text.rstrip().endswith(":"):
        taken, size = 0, 0
        for before, sentence in zip(following, following[1:]):
            gap = text[before.end - offset : sentence.start - offset]
            size += len(sentence.text)
            if "\n" not in gap or (taken and ("\n\n" in gap or size > DETAILS_CHARS)):
                break  # the list is its lines, up to a blank line
            taken += 1
        return taken
    if question is not None and len(following) > 1 and only_counts(span, question):
        return 1
    return 0


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


def only_counts(span: str, question: str) -> bool:
    """The span says nothing but how many (or which: "the", "a") of what the question names,
    and the question does not ask how many."""
    said = words(span)
    if len(said) < 2 or said[0] not in COUNT_WORDS or re.search(r"\bhow (?:many|much)\b", question, re.I):
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
