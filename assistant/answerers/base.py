"""The interface every answerer implements, and the pieces they share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from assistant.types import Answer, Passage


def decline_message(question: str) -> str:
    return (
        f"The documents don't say. Nothing in the indexed documents answers “{question.strip()}”."
    )


class Answerer(Protocol):
    name: str

    def answer(self, question: str, passages: list[Passage], rewritten: str | None = None,
               follow_up: bool = False) -> Answer:
        """Answer ``question`` from ``passages`` only, citing them; decline when they don't hold it.

        ``rewritten`` is the stand-alone form of a follow-up question, when there is one;
        ``follow_up``: the question continues a conversation (answerers may calibrate
        declines for conversational turns apart).
        """

    def stream(self, question: str, passages: list[Passage], rewritten: str | None = None,
               follow_up: bool = False) -> Iterator[str | Answer]:
        """Yield pieces of the answer text as they come, then the final ``Answer``."""


class Specialist(Protocol):
    """An answerer for one kind of question or passage (a table's rows, an abbreviation's
    meaning) that answers only what it understands and returns ``None`` for the rest,
    which then goes to the configured answerer."""

    name: str

    def answer(self, question: str, passages: list[Passage], rewritten: str | None = None) -> Answer | None:
        """The answer from ``passages`` when this kind of question is asked of them, else ``None``."""
