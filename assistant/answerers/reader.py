"""The offline default answerer: a trained reader finds the answer span in the
retrieved passages.

The reader reads each passage and scores its best span against the passage's
"no answer" score. That margin, fused with the passage's retrieval rank, reranks
the passages; the best one gives the short answer, and the reply quotes the
sentence holding it with its citation: ``Denver Broncos — “The AFC champion
Denver Broncos defeated …” [1]``. It declines when no span beats "no answer" by
the calibrated threshold, or when the question's topic is absent from the
collection. The fusion weight, threshold and confidence curve are fitted on the
reader's dev split by ``python -m assistant.reader.calibrate``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.answerers import topic
from assistant.answerers.base import decline_message
from assistant.answerers.quotes import CONVERSATION_WORDS, heading_lines, quote_around, shown, title_end
from assistant.dialogue import utterance
from assistant.errors import ConfigError
from assistant.reader import Reader, ReaderSpan, load_reader
from assistant.reader.runtime import DEFAULT_BACKEND, onnx_export, shipped_weights, weights_folder
from assistant.text import balanced, unwrapped
from assistant.types import Answer, Citation, Passage
from index.terms import terms

CALIBRATION = "calibration.json"
CANDIDATES = 8  # spans per passage the reader returns for ``supported_span`` to choose among
TIE_MARGIN = 1.5  # logits: how far below the best span a better-supported one may score


@dataclass(frozen=True)
class ReaderCalibration:
    rank_weight: float = 1.0  # fused = margin - rank_weight * ln(1 + rank)
    threshold: float = 0.0  # decline below this fused score
    slope: float = 1.0  # confidence = sigmoid(slope * fused + bias)
    bias: float = 0.0
    off_topic: float = topic.OFF_TOPIC
    dialogue_threshold: float | None = None  # for follow-ups, fitted on dialogue turns (``assistant.dialogue.calibrate``)

    def threshold_for(self, follow_up: bool, question: str = "") -> float:
        """Follow-ups, and questions put in the first person as in a conversation, are scored
        lower by the reader than well-formed questions over the same sentence: they get the
        threshold fitted on dialogue turns."""
        conversational = utterance.conversational(question, follow_up)
        return self.dialogue_threshold if conversational and self.dialogue_threshold is not None else self.threshold

    def off_topic_for(self, follow_up: bool) -> float:
        """A follow-up is off the collection's topic only when none of its words are in it: its
        topic is the dialogue's, and its own words are often small talk ("Umm, pretty encouraging")."""
        return 1.0 if follow_up and self.dialogue_threshold is not None else self.off_topic

    @classmethod
    def load(cls, path: Path | None = None) -> "ReaderCalibration":
        path = path or weights_folder() / CALIBRATION
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def fuse(self, margin: float, rank: int) -> float:
        return margin - self.rank_weight * math.log1p(rank)

    def confidence(self, fused: float) -> float:
        return 1.0 / (1.0 + math.exp(-(self.slope * fused + self.bias)))


def supported_span(question: str, passage: Passage, span: ReaderSpan) -> ReaderSpan:
    """Among the reader's spans of a passage that score within ``TIE_MARGIN`` of its best,
    the one whose sentence holds the most of the question's words (then the one with
    the fewest other words, then the best scored). Lists and tables hold many look-alike lines ("Debian Developer: full
    upload rights" / "Debian Maintainer: limited upload rights"), where the reader
    alone cannot tell which line the question names."""
    asked = set(terms(question))
    if not asked or not span.runners_up:
        return span
    titled = title_end(passage)
    if titled and span.start < titled:  # a document's title names its topic, it does not answer
        span = next((c for c in span.runners_up if c.start >= titled and short_form(c.text)), span)

    def support(candidate: ReaderSpan) -> tuple[float, float, float]:
        said = set(terms(quote_around(passage, candidate.start, candidate.end).text))
        shared = len(asked & said)
        return round(shared / len(asked), 3), round(shared / max(len(said), 1), 3), candidate.margin

    near = [c for c in (span, *span.runners_up) if c.margin >= span.margin - TIE_MARGIN and short_form(c.text)
            and c.start >= titled]
    return max(near, key=support) if near else span


def off_headings(passage: Passage, span: ReaderSpan) -> ReaderSpan:
    """The passage's best span that is not in one of its section headings, which name the
    section's topic and do not answer ("6.1.1." or "6.1. Filling in the sources.list File"
    for "What file lists APT's sources?"), scored as itself; ``span`` when all are."""
    headings = heading_lines(passage)

    def in_heading(candidate: ReaderSpan) -> bool:
        return any(candidate.start < end and start < candidate.end for start, end in headings)

    if not headings or not in_heading(span):
        return span
    rest = [c for c in span.runners_up if not in_heading(c)]
    return replace(rest[0], runners_up=tuple(rest[1:])) if rest else span


def short_form(text: str) -> str:
    return balanced(text.strip().strip(",;:").strip())


class ReaderAnswerer:
    name = "reader"

    def __init__(self, reader: Callable[[], Reader], calibration: ReaderCalibration | None = None,
                 max_passages: int | None = None, term_frequencies: topic.TermFrequencies | None = None,
                 prepare: Callable[[], object] | None = None, scans: Callable[[list[str]], dict] | None = None):
        self._reader = reader
        self.scans = scans  # sources -> ``ScanNotes`` of their pages read by OCR
        self._prepare = prepare or reader
        self.calibration = calibration or ReaderCalibration.load()
        self.max_passages = max_passages
        self.term_frequencies = term_frequencies

    def prepare(self) -> None:
        """Export the model for question time if it is not yet (see ``index/embedders/onnx.py``)."""
        self._prepare()

    def rank(self, question: str, passages: list[Passage]) -> list[tuple[float, Passage, ReaderSpan]]:
        """The passages read (all retrieved, or the first ``max_passages``), best first by the fused score."""
        passages = passages[: self.max_passages] if self.max_passages else passages
        spans = self._reader().read(question, [p.text for p in passages], candidates=CANDIDATES)
        spans = [off_headings(p, s) for p, s in zip(passages, spans)]
        scored = [(self.calibration.fuse(s.evidence, rank), p, s) for rank, (p, s) in enumerate(zip(passages, spans))]
        return sorted(scored, key=lambda item: -item[0])

    def read(self, query: str, passages: list[Passage], follow_up: bool = False
             ) -> tuple[str, list[tuple[float, Passage, ReaderSpan]]]:
        """The reading of the question whose best passage scores highest, and its ranking: a
        conversational turn is read as itself and as its questions alone (``utterance.readings``)."""
        options = utterance.readings(query) if utterance.conversational(query, follow_up) else [query]
        readings = [(reading, self.rank(reading, passages)) for reading in options]
        return max(readings, key=lambda item: item[1][0][0] if item[1] else -math.inf)

    def settled(self, query: str, ranked: list[tuple[float, Passage, ReaderSpan]]) -> tuple[float, Passage, ReaderSpan]:
        """The best passage's span, unless it rests only on words OCR was unsure of: then
        the next passage whose span does not (scored as it is), or the best one at no
        score, so that it is declined."""
        notes = self.scans([p.source for _, p, _ in ranked]) if self.scans else {}
        first = None
        for fused, passage, span in ranked if notes else ranked[:1]:
            span = supported_span(query, passage, span)
            first = first or (fused, passage, span)
            note = notes.get(passage.source)
            if note is None or not note.rests_on_uncertain(span.text, passage.start + span.start):
                return fused, passage, span
        return -math.inf, first[1], first[2]

    def answer(self, question: str, passages: list[Passage], rewritten: str | None = None,
               follow_up: bool = False) -> Answer:
        query = rewritten or question
        reading, ranked = self.read(query, passages, follow_up) if passages else (query, [])
        reordered = [p for _, p, _ in ranked] + passages[len(ranked):]
        base = dict(question=question, rewritten_question=query, passages=reordered, answerer=self.name)
        if not ranked:
            return Answer(answer=decline_message(question), declined=True, **base)
        fused, passage, span = self.settled(reading, ranked)
        confidence = self.calibration.confidence(fused)
        short = short_form(unwrapped(passage.text, span.start, span.end))
        off_topic = topic.absent_share(query, self.term_frequencies) >= self.calibration.off_topic_for(follow_up)
        if fused < self.calibration.threshold_for(follow_up, query) or off_topic or not short:
            return Answer(answer=decline_message(question), declined=True, confidence=confidence, **base)
        words = CONVERSATION_WORDS if utterance.conversational(query, follow_up) else 0
        quote = quote_around(passage, span.start, span.end, reading, min_words=words)
        citation = Citation(n=1, source=passage.source, page=passage.page, section=passage.section_at(quote.start),
                            start=quote.start, end=quote.end, quote=quote.text)
        # A short answer that is most of its sentence says nothing the quote does not.
        said = shown(passage, quote)
        text = f"{said} [1]" if len(short) >= 0.6 * len(said) else f"{short} — “{said}” [1]"
        return Answer(answer=text, declined=False, citations=[citation], short_answer=short,
                      confidence=confidence, **base)

    def stream(self, question: str, passages: list[Passage], rewritten: str | None = None,
               follow_up: bool = False) -> Iterator[str | Answer]:
        result = self.answer(question, passages, rewritten, follow_up)
        for piece in re.findall(r"\S+\s*", result.answer):
            yield piece
        yield result


def create(collection, model: str | None = None, backend: str = DEFAULT_BACKEND, **options) -> ReaderAnswerer:
    """``model``: a reader weights file (default: the one shipped with the package),
    with the ``calibration.json`` fitted for it beside it when there is one;
    ``backend``: how it runs (``assistant.reader.runtime.BACKENDS``)."""
    unknown = sorted(k for k in options if k not in ("max_passages",))
    if unknown:
        raise ConfigError(f"option {unknown[0]!r} does not apply to the reader answerer; "
                          "LLM options need --llm openai, ollama or llamacpp")
    beside = Path(model).with_name(CALIBRATION) if model else None
    if beside is not None and beside.exists():
        options["calibration"] = ReaderCalibration.load(beside)
    return ReaderAnswerer(lambda: load_reader(model, backend), term_frequencies=collection.catalog.term_frequencies,
                          scans=collection.extras.scans_of,
                          prepare=lambda: load_reader(model, backend) if backend == "torch" else
                          onnx_export(shipped_weights(model)), **options)
