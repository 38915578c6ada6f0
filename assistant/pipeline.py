"""The answering steps — condense the follow-up, retrieve, answer — as plain
functions over a dict. ``Assistant.ask`` runs them directly (no LangChain import on
the command line's hot path); ``assistant.chain`` wraps the same steps as named
LangChain Runnables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assistant import followup, limits
from assistant.answerers import Answerer
from assistant.retrieval import HybridRetriever
from assistant.types import Answer


def as_input(value: Any) -> dict:
    """The question and its history, checked against the length limits (``limits.py``)."""
    if isinstance(value, str):
        data = {"question": value, "history": []}
    elif isinstance(value, dict) and "question" in value:
        data = {"question": value["question"], "history": list(value.get("history") or [])}
    else:
        raise TypeError('the chain takes a question string or {"question": str, "history": [str, ...]}')
    limits.check(data["question"], data["history"])
    return data


class Pipeline:
    def __init__(self, retriever: HybridRetriever, answerer: Answerer):
        self.retriever = retriever
        self.answerer = answerer

    def condense(self, value: Any) -> dict:
        data = as_input(value)
        rewrite = getattr(self.answerer, "rewrite", followup.rewrite)
        return {**data, "rewritten": rewrite(data["question"], data["history"])}

    def retrieve(self, data: dict) -> dict:
        return {**data, "passages": self.retriever.retrieve(data["rewritten"])}

    def answer(self, data: dict) -> Answer:
        return self.answerer.answer(data["question"], data["passages"], rewritten=self._rewritten(data))

    def stream(self, data: dict) -> Iterator[str | Answer]:
        yield from self.answerer.stream(data["question"], data["passages"], rewritten=self._rewritten(data))

    def run(self, value: Any) -> Answer:
        return self.answer(self.retrieve(self.condense(value)))

    @staticmethod
    def _rewritten(data: dict) -> str | None:
        return data["rewritten"] if data["rewritten"] != data["question"] else None
