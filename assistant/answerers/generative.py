"""Answers written by an LLM, held to the sources they cite.

The model sees the packed sources (fenced as data) and writes sentences with
``[n]`` markers. Afterwards every marker that points to no source is removed,
every sentence is checked against the sources it cites (``assistant.verify``),
and each citation carries the best supporting quote and a ``supported`` flag.
An answer with no supported sentence, an empty or garbled reply, or an LLM that
is down or too slow falls back to the offline answer — the reader's (or declines,
when configured so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant import prompts
from assistant.dialogue import followup
from assistant.dialogue.rewrite import transcript
from assistant.dialogue.turns import Turn
from assistant.answerers.base import Answerer, decline_message
from assistant.context import format_sources, pack
from assistant.errors import ConfigError, LLMError
from assistant.llms import LLM
from assistant.text import sentences
from assistant.types import Answer, Citation, Passage, SentenceCheck
from assistant.verify import Verifier

_MARKER = re.compile(r"\s*\[(\d+)\]")
_DECLINE_HINT = re.compile(r"documents don.t say|not (contain|mention|say)|no information|cannot answer|don.t know", re.I)


CONDENSE_TURNS = 8


class GenerativeAnswerer:
    def __init__(self, llm: LLM, extractive: Answerer, verifier: Verifier, context_tokens: int = 2048,
                 max_tokens: int = 256, fallback: str = "extractive"):
        if fallback not in ("extractive", "decline"):
            raise ConfigError(f"fallback {fallback!r} must be 'extractive' or 'decline'")
        self.llm = llm
        self.name = llm.name
        self.extractive = extractive
        self.verifier = verifier
        self.context_tokens = context_tokens
        self.max_tokens = max_tokens
        self.fallback = fallback
        self.answer_prompt = prompts.load("answer")
        self.condense_prompt = prompts.load("condense")

    def rewrite(self, question: str, history: list[Turn]) -> str:
        """The LLM condenses from the whole dialogue, questions and answers (the last ``CONDENSE_TURNS``)."""
        if not history or not followup.is_follow_up(question):
            return question
        prompt = self.condense_prompt.format(history=transcript(history[-CONDENSE_TURNS:]), question=question)
        try:
            text = "".join(self.llm.generate(prompt, max_tokens=64)).strip().splitlines()
        except LLMError:
            return followup.rewrite(question, history)
        rewritten = text[0].strip().strip('"') if text else ""
        return rewritten if 3 <= len(rewritten) <= 300 else followup.rewrite(question, history)

    def answer(self, question: str, passages: list[Passage], rewritten: str | None = None,
               follow_up: bool = False) -> Answer:
        result = None
        for piece in self.stream(question, passages, rewritten, follow_up):
            result = piece
        return result

    def stream(self, question: str, passages: list[Passage], rewritten: str | None = None,
               follow_up: bool = False) -> Iterator[str | Answer]:
        sources = pack(passages, self.context_tokens)
        if not sources:
            yield self._fallback(question, passages, rewritten, "nothing was retrieved")
            return
        prompt = self.answer_prompt.format(sources=format_sources(sources), question=question,
                                           decline=decline_message(question))
        text = ""
        try:
            for piece in self.llm.generate(prompt, max_tokens=self.max_tokens):
                text += piece
                yield piece
        except LLMError as exc:
            yield self._fallback(question, passages, rewritten, str(exc))
            return
        yield self.finish(question, text, sources, rewritten)

    def finish(self, question: str, text: str, sources: list[Passage], rewritten: str | None) -> Answer:
        text = text.strip()
        base = dict(question=question, rewritten_question=rewritten or question, passages=sources, answerer=self.name)
        if not text or not re.search(r"\w{2,}", text):
            return self._fallback(question, sources, rewritten, "the LLM returned an empty answer")
        if _DECLINE_HINT.search(text) and not _MARKER.search(text):
            return Answer(answer=decline_message(question), declined=True, **base)
        checks, citations = [], {}
        for sentence in sentences(text):
            cited = sorted({int(n) for n in _MARKER.findall(sentence.text) if 1 <= int(n) <= len(sources)})
            claim = _MARKER.sub("", sentence.text).strip()
            if not claim:
                continue
            ok, support = self.verifier.supported(claim, [sources[n - 1] for n in cited]) if cited else (False, None)
            checks.append(SentenceCheck(text=claim, citations=cited, supported=ok,
                                        score=round(support.score, 4) if support else 0.0))
            for n in cited:
                _, own = self.verifier.supported(claim, [sources[n - 1]])
                quote = own.quote if own else None
                previous = citations.get(n)
                if quote is not None and (previous is None or (ok and not previous.supported)):
                    passage = sources[n - 1]
                    citations[n] = Citation(n=n, source=passage.source, page=passage.page, section=passage.section_at(quote.start),
                                            start=quote.start, end=quote.end, quote=quote.text, supported=ok)
        if not any(c.supported for c in checks):
            return self._fallback(question, sources, rewritten, "no sentence of the LLM's answer is supported by its sources")
        answer_text = " ".join(
            c.text + "".join(f" [{n}]" for n in c.citations if n in citations) for c in checks
        )
        return Answer(answer=answer_text, declined=False, citations=[citations[n] for n in sorted(citations)],
                      sentences=checks, confidence=sum(c.supported for c in checks) / len(checks), **base)

    def _fallback(self, question: str, passages: list[Passage], rewritten: str | None, reason: str) -> Answer:
        if self.fallback == "extractive":
            result = self.extractive.answer(question, passages, rewritten)
        else:
            result = Answer(question=question, rewritten_question=rewritten or question, answer=decline_message(question),
                            declined=True, passages=passages)
        return result.model_copy(update={"warning": f"{reason}; answered {'extractively' if self.fallback == 'extractive' else 'by declining'}",
                                         "answerer": f"{self.name}+{result.answerer}"})


def factory(backend: str):
    def create(collection, context_tokens: int = 2048, fallback: str = "extractive", **options) -> GenerativeAnswerer:
        from assistant import llms
        from assistant.answerers.reader import create as offline

        return GenerativeAnswerer(
            llms.create(backend, **options), offline(collection), Verifier(collection.embedder.embed),
            context_tokens=context_tokens, fallback=fallback,
        )

    return create
