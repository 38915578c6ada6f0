"""Training examples for the reader from SQuAD-layout files: each question with its
own paragraph (the answer span, or "no answer" for SQuAD 2.0's unanswerables) and
with paragraphs of the same article that do not hold its answer — the passages a
retriever brings back in an open collection — labelled "no answer"."""

from __future__ import annotations

import gzip
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from index.terms import terms


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    context: int  # index into the contexts list
    question: str
    answers: tuple[tuple[str, int], ...]  # (text, character start); empty when unanswerable


@dataclass
class Split:
    contexts: list[str]
    questions: list[Question]
    negatives: dict[str, list[int]]  # question id -> other paragraphs of its article, hardest first


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_split(path: Path, limit: int | None = None) -> Split:
    rows = read_jsonl(path)[:limit] if limit else read_jsonl(path)
    contexts: list[str] = []
    index: dict[str, int] = {}
    by_title: dict[str, list[int]] = defaultdict(list)
    questions = []
    for row in rows:
        if row["context"] not in index:
            index[row["context"]] = len(contexts)
            contexts.append(row["context"])
            by_title[row["title"]].append(index[row["context"]])
        answers = () if row["is_impossible"] else tuple((a["text"], a["answer_start"]) for a in row["answers"])
        questions.append(Question(row["id"], row["title"], index[row["context"]], row["question"], answers))
    return Split(contexts, questions, _negatives(contexts, questions, by_title))


def _negatives(contexts: list[str], questions: list[Question], by_title: dict[str, list[int]]) -> dict[str, list[int]]:
    """For each question, its article's other paragraphs ranked by how many of the
    question's (informative) words they share — the ones a retriever would return.
    Paragraphs that contain one of its answers are left out."""
    context_terms = [set(terms(c)) for c in contexts]
    frequency: dict[str, int] = defaultdict(int)
    for words in context_terms:
        for word in words:
            frequency[word] += 1
    result = {}
    for q in questions:
        asked = set(terms(q.question))
        golds = [text.lower() for text, _ in q.answers]
        scored = []
        for c in by_title[q.title]:
            if c == q.context or any(g in contexts[c].lower() for g in golds):
                continue
            overlap = sum(1.0 / frequency[w] for w in asked & context_terms[c])
            scored.append((-overlap, c))
        result[q.id] = [c for _, c in sorted(scored)]
    return result


def sample_negatives(split: Split, rng: random.Random, per_question: int = 1, hard: float = 0.7) -> list[tuple[Question, int]]:
    """(question, paragraph without its answer) pairs: with probability ``hard`` one of
    the three most similar paragraphs, else any other paragraph of the article."""
    pairs = []
    for q in split.questions:
        pool = split.negatives[q.id]
        if not pool:
            continue
        for _ in range(per_question):
            choice = rng.choice(pool[:3]) if rng.random() < hard else rng.choice(pool)
            pairs.append((q, choice))
    return pairs
