"""The offline default answerer: quotes the retrieved sentences that best answer
the question, with inline citations, and declines when none does.

Each candidate sentence gets a few features (embedding similarity to the
question, of the sentence or its best clause; the informativeness-weighted share of the question's content words
that it, it with the sentence before, and its passage contain; the passage's
retrieval rank; whether it holds the kind of thing asked for — a number, a
date, a name; how informative the question's most telling word missing from
its neighbourhood is). Headings and questions are never quoted as answers, and a
sentence that leans on the one before ("It opened in 2019.") is quoted with it.
Independently, a question whose informative words are mostly absent from the
whole collection is declined as off-topic. A linear model picks the best
sentence; a logistic model on the best sentence's features gives the confidence
that it answers, and a threshold on that decides to decline. Both are fitted on
labelled questions by ``evals/calibrate.py`` and stored beside this module in
``extractive.json``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.answerers import topic
from assistant.answerers.base import decline_message
from assistant.answerers.quotes import shown
from assistant.text import Sentence, content_words, leans_on_previous, sentences, words
from assistant.types import Answer, Citation, Passage

CALIBRATION_FILE = Path(__file__).with_name("extractive.json")
FEATURES = ("cosine", "overlap", "window_overlap", "context_overlap", "rank", "novel", "answer_type", "missing_window")
CONFIDENCE_FEATURES = ("score", "cosine", "overlap", "window_overlap", "margin", "missing_window", "uncovered")

_NUMBER_WORDS = set(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred "
    "hundreds thousand thousands million millions billion billions dozen dozens half percent".split()
)
_MONTHS = set("january february march april may june july august september october november december".split())
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b\d{1,2}(st|nd|rd|th)\b|centur|decade")
_DIGIT = re.compile(r"\d")
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w’'-]+")


def answer_type(question: str) -> str:
    q = question.lower()
    if re.search(r"\bhow (many|much|long|old|far|large|big|tall|high|often)\b|\bwhat (percentage|percent|number|amount|size)\b", q):
        return "number"
    if re.search(r"\bwhen\b|\b(what|which|in what) (year|century|decade|date|day|month|period|era|time)\b", q):
        return "date"
    if re.search(r"\bwho(m|se)?\b", q):
        return "name"
    if re.search(r"\bwhere\b", q):
        return "place"
    return "other"


def type_match(kind: str, text: str, question_words: set[str]) -> float:
    lowered = words(text)
    if kind == "number":
        return float(bool(_DIGIT.search(text)) or any(w in _NUMBER_WORDS for w in lowered))
    if kind == "date":
        return float(bool(_YEAR.search(text.lower())) or any(w in _MONTHS for w in lowered))
    if kind in ("name", "place"):
        names = {m.group().lower() for m in _CAPITALISED.finditer(text)}
        return float(bool(names - question_words))
    return 0.0


def _answer_like(text: str) -> bool:
    """Headings, titles and questions (an FAQ's) are context, never an answer."""
    stripped = text.strip()
    if stripped.endswith("?") or stripped.startswith("#"):
        return False
    return stripped[-1:] in ".!”\"’')]…" or len(stripped.split()) >= 12




_CLAUSE = re.compile(r"[,;:—–“”\"()]+")


def _clauses(text: str) -> list[str]:
    """The parts of a long sentence between commas, quotes and dashes: a long quote
    dilutes a sentence's embedding, while the clause that answers stays close to the
    question."""
    parts = [p.strip() for p in _CLAUSE.split(text)]
    return [p for p in parts if len(p.split()) >= 4] if len(parts) > 1 else []




@dataclass(frozen=True)
class Calibration:
    weights: tuple[float, ...]
    confidence_weights: tuple[float, ...]
    confidence_bias: float
    threshold: float
    second_sentence_ratio: float = 0.9
    off_topic: float = topic.OFF_TOPIC

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> "Calibration":
        data = json.loads(path.read_text())
        return cls(
            weights=tuple(data["weights"][name] for name in FEATURES),
            confidence_weights=tuple(data["confidence"]["weights"][name] for name in CONFIDENCE_FEATURES),
            confidence_bias=data["confidence"]["bias"],
            threshold=data["confidence"]["threshold"],
            second_sentence_ratio=data.get("second_sentence_ratio", 0.9),
            off_topic=data.get("off_topic", topic.OFF_TOPIC),
        )


@dataclass(frozen=True)
class Candidate:
    passage: int
    sentence: Sentence  # the span quoted: offsets into the document's text
    features: np.ndarray
    window: str = ""  # the sentence with its neighbours: where the question's words should be found


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray],
        calibration: Calibration | None = None,
        max_passages: int = 5,
        term_frequencies: Callable[[list[str]], dict[str, int]] | None = None,
    ):
        self.embed = embed
        self.term_frequencies = term_frequencies
        self.max_passages = max_passages
        self._calibration = calibration

    @cached_property
    def calibration(self) -> Calibration:
        return self._calibration or Calibration.load()

    # -- features --------------------------------------------------------------------------

    def idf(self, question: str) -> dict[str, float]:
        return topic.informativeness(question)

    def candidates(self, question: str, passages: list[Passage]) -> list[Candidate]:
        passages = passages[: self.max_passages]
        idf = self.idf(question)
        total_idf = sum(idf.values()) or 1.0
        top_idf = max(idf.values(), default=1.0)
        question_words = set(words(question))
        kind = answer_type(question)
        found: list[tuple[int, Sentence, Sentence, set[str], set[str]]] = []
        seen: set[tuple[str, int]] = set()
        for rank, passage in enumerate(passages):
            split = sentences(passage.text, offset=passage.start)
            stems = [set(content_words(s.text)) for s in split]
            for i, sentence in enumerate(split):
                if (passage.source, sentence.start) in seen or not _answer_like(sentence.text):
                    continue
                seen.add((passage.source, sentence.start))
                previous = stems[i - 1] if i else set()
                following = stems[i + 1] if i + 1 < len(split) else set()
                quote = sentence
                if i and leans_on_previous(sentence.text):
                    quote = Sentence(split[i - 1].start, sentence.end,
                                     passage.text[split[i - 1].start - passage.start : sentence.end - passage.start])
                window = " ".join(x.text for x in split[max(i - 1, 0) : i + 2])
                found.append((rank, sentence, quote, stems[i] | previous, stems[i] | previous | following, window))
        if not found:
            return []
        texts, owner = [question], []
        for index, item in enumerate(found):
            for piece in [item[1].text, *_clauses(item[1].text)]:
                texts.append(piece)
                owner.append(index)
        vectors = self.embed(texts)
        similarity = vectors[1:] @ vectors[0]
        cosines = np.full(len(found), -1.0)
        np.maximum.at(cosines, np.array(owner), similarity)
        context = [set(content_words(p.title + " " + p.text)) for p in passages]
        result = []
        for (rank, sentence, quote, window, wide, window_text), cosine in zip(found, cosines):
            present = set(content_words(quote.text))
            features = np.array(
                [
                    float(cosine),
                    sum(w for s, w in idf.items() if s in present) / total_idf,
                    sum(w for s, w in idf.items() if s in window) / total_idf,
                    sum(w for s, w in idf.items() if s in context[rank]) / total_idf,
                    1.0 / (1 + rank),
                    float(len(present - set(idf)) >= 2),
                    type_match(kind, sentence.text, question_words),
                    max((w for s, w in idf.items() if s not in wide), default=0.0) / top_idf,
                ]
            )
            result.append(Candidate(rank, quote, features, window_text))
        return result

    # -- answering -------------------------------------------------------------------------

    def uncovered(self, question: str, text: str) -> float:
        """The informativeness-weighted share of the question's content words that
        ``text`` lacks, where a word counts as present to the degree that its closest
        word in ``text`` is similar in embedding space ("bloc" covers "EU" partly;
        nothing covers "mayor" in a bike-share leaflet)."""
        weights = self.idf(question)
        present = set(content_words(text))
        by_stem = {content_words(w)[0]: w for w in words(question) if content_words(w)}
        missing = [stem for stem in weights if stem not in present and stem in by_stem]
        if not missing:
            return 0.0
        vocabulary = sorted({w for w in words(text) if content_words(w)})
        if not vocabulary:
            return sum(weights[s] for s in missing) / sum(weights.values())
        vectors = self.embed([by_stem[s] for s in missing] + vocabulary)
        closest = (vectors[: len(missing)] @ vectors[len(missing) :].T).max(axis=1)
        match = np.clip((closest - 0.3) / 0.4, 0.0, 1.0)
        return float(sum(weights[s] * (1 - m) for s, m in zip(missing, match)) / sum(weights.values()))

    def absent(self, question: str) -> float:
        return topic.absent_share(question, self.term_frequencies)

    def confidence_inputs(self, question: str, found: list[Candidate], scores: np.ndarray) -> dict[str, float]:
        order = np.argsort(-scores)
        best = found[order[0]]
        margin = scores[order[0]] - (scores[order[1]] if len(order) > 1 else 0.0)
        return dict(zip(FEATURES, best.features), score=float(scores[order[0]]), margin=float(margin),
                    uncovered=self.uncovered(question, best.window))

    def score(self, question: str, passages: list[Passage]) -> tuple[list[Candidate], np.ndarray, float]:
        """Candidates, their scores, and the confidence that the best one answers."""
        found = self.candidates(question, passages)
        if not found:
            return [], np.zeros(0), 0.0
        scores = np.stack([c.features for c in found]) @ np.array(self.calibration.weights)
        inputs = self.confidence_inputs(question, found, scores)
        logit = self.calibration.confidence_bias + sum(
            w * inputs[name] for name, w in zip(CONFIDENCE_FEATURES, self.calibration.confidence_weights)
        )
        return found, scores, 1.0 / (1.0 + math.exp(-logit))

    def answer(self, question: str, passages: list[Passage], rewritten: str | None = None,
               follow_up: bool = False) -> Answer:
        query = rewritten or question
        found, scores, confidence = self.score(query, passages)
        base = dict(question=question, rewritten_question=query, passages=passages, confidence=confidence, answerer=self.name)
        off_topic = self.absent(query) >= self.calibration.off_topic
        if not found or off_topic or confidence < self.calibration.threshold:
            return Answer(answer=decline_message(question), declined=True, **base)
        order = [int(i) for i in np.argsort(-scores)]
        chosen = [order[0]]
        if len(order) > 1 and scores[order[1]] >= self.calibration.second_sentence_ratio * scores[order[0]]:
            chosen.append(order[1])
        chosen.sort(key=lambda i: (found[i].passage, found[i].sentence.start))
        parts, citations = [], []
        for n, index in enumerate(chosen, start=1):
            candidate = found[index]
            passage = passages[candidate.passage]
            parts.append(f"{shown(passage, candidate.sentence)} [{n}]")
            citations.append(
                Citation(
                    n=n, source=passage.source, page=passage.page, section=passage.section_at(candidate.sentence.start),
                    start=candidate.sentence.start, end=candidate.sentence.end, quote=candidate.sentence.text,
                )
            )
        return Answer(answer=" ".join(parts), declined=False, citations=citations, **base)

    def stream(self, question: str, passages: list[Passage], rewritten: str | None = None,
               follow_up: bool = False) -> Iterator[str | Answer]:
        result = self.answer(question, passages, rewritten, follow_up)
        for piece in re.findall(r"\S+\s*", result.answer):
            yield piece
        yield result


def create(collection, **options) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(embed=collection.embedder.embed, term_frequencies=collection.catalog.term_frequencies,
                              **options)
