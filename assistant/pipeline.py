"""The answering steps — condense the follow-up, retrieve, answer — as plain
functions over a dict. ``Assistant.ask`` runs them directly (no LangChain import on
the command line's hot path); ``assistant.chain`` wraps the same steps as named
LangChain Runnables. Answering goes to the table answerer when the best passage is a
table row and it understands the question, else to the configured answerer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from assistant import limits
from assistant.answerers import Answerer
from assistant.dialogue import as_turns, rewrite
from assistant.dialogue.retrieval import DialogueRetriever
from assistant.types import Answer

if TYPE_CHECKING:
    from assistant.tables import TableAnswerer


def as_input(value: Any) -> dict:
    """The question and its earlier turns (``dialogue.Turn``), checked against the length limits."""
    if isinstance(value, str):
        data = {"question": value, "history": []}
    elif isinstance(value, dict) and "question" in value:
        data = {"question": value["question"], "history": as_turns(value.get("history"))}
    else:
        raise TypeError('the chain takes a question string or {"question": str, "history": [turn, ...]}')
    limits.check(data["question"], [t.content for t in data["history"]])
    return data


class Pipeline:
    def __init__(self, retriever: DialogueRetriever, answerer: Answerer, history_mode: str = "dialogue",
                 tables: TableAnswerer | None = None):
        self.retriever = retriever
        self.answerer = answerer
        self.history_mode = history_mode
        self.tables = tables

    def condense(self, value: Any) -> dict:
        data = as_input(value)
        if self.history_mode == "none":
            data["history"] = []
        return {**data, "rewritten": rewrite.condense(data["question"], data["history"], self.history_mode,
                                                       getattr(self.answerer, "rewrite", None))}

    def retrieve(self, data: dict) -> dict:
        turns = data["history"] if self.history_mode == "dialogue" else []
        found = self.retriever.search(data["rewritten"], turns)
        return {**data, "passages": found.passages, "follow_up": found.follow_up}

    def answer(self, data: dict) -> Answer:
        return self.from_table(data) or self.answerer.answer(
            data["question"], data["passages"], rewritten=self._rewritten(data), follow_up=data["follow_up"])

    def stream(self, data: dict) -> Iterator[str | Answer]:
        table = self.from_table(data)
        if table is not None:
            yield from re.findall(r"\S+\s*", table.answer)
            yield table
            return
        yield from self.answerer.stream(data["question"], data["passages"], rewritten=self._rewritten(data),
                                        follow_up=data["follow_up"])

    def from_table(self, data: dict) -> Answer | None:
        """The table answerer's answer, when the best passage is a row and it understands the question."""
        if self.tables is None:
            return None
        return self.tables.answer(data["question"], data["passages"], rewritten=self._rewritten(data))

    def run(self, value: Any) -> Answer:
        return self.answer(self.retrieve(self.condense(value)))

    @staticmethod
    def _rewritten(data: dict) -> str | None:
        return data["rewritten"] if data["rewritten"] != data["question"] else None
