"""Rewrite a follow-up question into a stand-alone one, without an LLM.

A question that leans on the conversation (a pronoun such as "he" or "it", or
too few words of its own to search with) gets its references filled in from the
earlier questions: pronouns are replaced by the most recent named entity (or,
when there is none, by what the previous question asked about: "Who is the
program manager?" -> "the program manager"), and otherwise the earlier
question's key words are added for retrieval.
"""

from __future__ import annotations

import re

from assistant.text import QUESTION_WORDS, content_words

_SUBJECT = {"he", "she", "they", "it"}
_OBJECT = {"him", "them"}
_POSSESSIVE = {"his", "her", "their", "its"}
_PRONOUN = re.compile(r"\b(he|she|they|it|him|them|his|her|their|its)\b", re.IGNORECASE)
_ENTITY = re.compile(r"\b[A-Z][\w’'.-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w’'.-]*)*")
_COPULA = re.compile(r"^\s*(?:who|what|which|where)\s+(?:is|are|was|were)\s+(.+?)\s*\?*\s*$", re.IGNORECASE)
_STARTERS = QUESTION_WORDS | {"is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would",
                              "and", "but", "so", "tell", "what's", "who's", "the", "in", "on", "a", "an"}


def entities(text: str) -> list[str]:
    """Capitalised word runs, skipping sentence-initial question words."""
    found = []
    for match in _ENTITY.finditer(text):
        words = match.group().split()
        while words and words[0].lower() in _STARTERS:
            words = words[1:]
        if words:
            found.append(" ".join(words).rstrip("?.!,"))
    return found


def is_follow_up(question: str) -> bool:
    return bool(_PRONOUN.search(question)) or len(content_words(question)) < 2


def rewrite(question: str, history: list[str]) -> str:
    """The stand-alone form of ``question`` given the earlier questions (most recent last)."""
    if not history or not is_follow_up(question):
        return question
    entity = next((e for turn in reversed(history) for e in reversed(entities(turn))), None) or subject(history[-1])
    if entity and _PRONOUN.search(question):
        return _PRONOUN.sub(lambda m: _replacement(m.group(), entity), question, count=1)
    context = " ".join(dict.fromkeys(w for w in re.findall(r"[\w’'-]+", history[-1])
                                     if content_words(w)))
    return f"{question.rstrip()} ({context})" if context else question


def subject(question: str) -> str | None:
    """What a "who/what is X?" question asks about: X."""
    match = _COPULA.match(question)
    return match.group(1) if match else None


def _replacement(pronoun: str, entity: str) -> str:
    word = pronoun.lower()
    if word in _POSSESSIVE:
        return f"{entity}’s" if not entity.endswith("s") else f"{entity}’"
    return entity
