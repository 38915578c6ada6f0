"""The answering steps — condense the follow-up, respell, retrieve, answer — as plain
functions over a dict. ``Assistant.ask`` runs them directly (no LangChain import on
the command line's hot path); ``assistant.chain`` wraps the same steps as named
LangChain Runnables. Answering goes to the first specialist that understands the
question (the table answerer when the best passage is a table row, the abbreviation
answerer when it asks what one stands for), else to the configured answerer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant import limits
from assistant.answerers import Answerer
from assistant.answerers.base import Specialist
from assistant.dialogue import as_turns, replay, rewrite
from assistant.dialogue.retrieval import DialogueRetriever
from assistant.dialogue.turns import Turn
from assistant.types import Answer

if TYPE_CHECKING:
    from assistant.spelling import Speller
    from index.extras import ScanNotes

ScanLookup = Callable[[list[str]], "dict[str, ScanNotes]"]
"""Sources -> their scan notes (``Extras.scans_of``), for those with pages read by OCR."""


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
                 specialists: Sequence[Specialist] = (), scans: ScanLookup | None = None,
                 speller: Speller | None = None, replay: bool = True):
        self.retriever = retriever
        self.speller = speller
        self.answerer = answerer
        self.history_mode = history_mode
        self.specialists = tuple(specialists)
        self.replay = replay and history_mode == "dialogue"
        self.scans = scans

    def condense(self, value: Any) -> dict:
        """The question made stand-alone from its earlier turns; earlier questions given
        without their answers are answered first, as the chat would have (``replayed``)."""
        data = as_input(value)
        return self._condensed({**data, "history": self.replayed(data["history"])})

    def _condensed(self, data: dict) -> dict:
        if self.history_mode == "none":
            data = {**data, "history": []}
        return {**data, "rewritten": rewrite.condense(data["question"], data["history"], self.history_mode,
                                                       getattr(self.answerer, "rewrite", None))}

    def respell(self, data: dict) -> dict:
        """The condensed question with its misspelt words as the collection spells them."""
        if self.speller is None:
            return data
        return {**data, "rewritten": self.speller.respell(data["rewritten"])}

    def retrieve(self, data: dict) -> dict:
        turns = data["history"] if self.history_mode == "dialogue" else []
        found = self.retriever.search(data["rewritten"], turns)
        return {**data, "passages": found.passages, "follow_up": found.follow_up}

    def answer(self, data: dict) -> Answer:
        return self.mark_scans(self.from_specialist(data) or self.answerer.answer(
            data["question"], data["passages"], rewritten=self._rewritten(data), follow_up=data["follow_up"]))

    def stream(self, data: dict) -> Iterator[str | Answer]:
        special = self.from_specialist(data)
        if special is not None:
            yield from re.findall(r"\S+\s*", special.answer)
            yield self.mark_scans(special)
            return
        for piece in self.answerer.stream(data["question"], data["passages"], rewritten=self._rewritten(data),
                                          follow_up=data["follow_up"]):
            yield self.mark_scans(piece) if isinstance(piece, Answer) else piece

    def mark_scans(self, answer: Answer) -> Answer:
        """Citations of pages read by OCR say so."""
        if self.scans is None or not answer.citations:
            return answer
        notes = self.scans([c.source for c in answer.citations])
        if not notes:
            return answer
        marked = [c.model_copy(update={"ocr": True}) if c.source in notes and c.page in notes[c.source].pages else c
                  for c in answer.citations]
        return answer.model_copy(update={"citations": marked})

    def from_specialist(self, data: dict) -> Answer | None:
        """The first specialist's answer that understands the question, if one does."""
        for specialist in self.specialists:
            found = specialist.answer(data["question"], data["passages"], rewritten=self._rewritten(data))
            if found is not None:
                return found
        return None

    def run(self, value: Any) -> Answer:
        return self.answer(self.retrieve(self.respell(self.condense(value))))

    def replayed(self, history: list) -> list[Turn]:
        """The earlier turns, the last ``replay.REPLAYED`` questions without an answer each followed
        by the one it gets (in dialogue mode with ``replay``; else as they are)."""
        turns = as_turns(history)
        if not self.replay:
            return turns
        return replay.replayed(turns, self._answer_alone)

    def _answer_alone(self, question: str, before: list[Turn]) -> Answer:
        """An earlier question answered with the turns before it, already replayed and checked."""
        return self.answer(self.retrieve(self.respell(self._condensed({"question": question, "history": before}))))

    @staticmethod
    def _rewritten(data: dict) -> str | None:
        return data["rewritten"] if data["rewritten"] != data["question"] else None
