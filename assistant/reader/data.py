"""Training examples for the reader from SQuAD-layout files: each question with its
own paragraph (the answer span, or "no answer" for unanswerable questions) and with
paragraphs that do not hold its answer — the passages a retriever brings back in an
open collection — labelled "no answer".

Several files load into one split; each question keeps its ``source``
(``folder/dataset``: the folder's name and the dataset named in the row's ``source``
field) so a run can weigh the sources and report dev figures per source."""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from index.terms import terms

RARE = 150  # a word in at most this many paragraphs links paragraphs of different articles
MAX_ARTICLE = 200  # paragraphs; a bigger "article" (a subreddit) is searched by rare words like the rest


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    context: int  # index into the contexts list
    question: str
    answers: tuple[tuple[str, int], ...]  # (text, character start); empty when unanswerable
    source: str = ""


@dataclass
class Split:
    contexts: list[str]
    questions: list[Question]
    negatives: dict[str, list[int]]  # question id -> paragraphs without its answer, hardest first
    by_source: dict[str, list[int]] = field(default_factory=dict)  # source -> its paragraphs

    def sources(self) -> list[str]:
        return sorted({q.source for q in self.questions})


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def source_of(row: dict, path: Path) -> str:
    named = re.split(r"[ @(]", str(row.get("source") or ""))[0].split("/")[-1]
    return f"{path.parent.name}/{named}" if named else path.parent.name


def write_corpus(split: Split, folder: Path) -> Path:
    """``folder/corpus.jsonl``: the split's paragraphs in the BEIR layout, paragraph ``i`` as
    ``p{i}``, for indexing them as the assistant meets a collection."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(split.contexts):
            handle.write(json.dumps({"_id": f"p{i}", "title": "", "text": text}) + "\n")
    return corpus


def write_articles(split: Split, folder: Path) -> tuple[Path, dict[int, str]]:
    """``folder/corpus.jsonl`` with each article of the split as one document (``a{n}``): its
    paragraphs in order, separated by blank lines, as a user indexes whole documents; and the
    document of each paragraph."""
    paragraphs: dict[str, dict[int, None]] = defaultdict(dict)
    for q in split.questions:
        paragraphs[q.title][q.context] = None
    folder.mkdir(parents=True, exist_ok=True)
    corpus, article_of = folder / "corpus.jsonl", {}
    with corpus.open("w", encoding="utf-8") as handle:
        for n, (_, contexts) in enumerate(sorted(paragraphs.items())):
            ordered = sorted(contexts)  # paragraph numbers follow their order in the article
            article_of.update((c, f"a{n}") for c in ordered)
            text = "\n\n".join(split.contexts[c] for c in ordered)
            handle.write(json.dumps({"_id": f"a{n}", "title": "", "text": text}) + "\n")
    return corpus, article_of


def load_split(paths: Path | list[Path], limit: int | None = None) -> Split:
    """One split from one or more files (``limit``: the first N questions of each)."""
    contexts: list[str] = []
    index: dict[tuple[str, str], int] = {}
    by_title: dict[str, list[int]] = defaultdict(list)
    questions = []
    for path in [paths] if isinstance(paths, Path) else paths:
        rows = read_jsonl(path)
        for row in rows[:limit] if limit else rows:
            source = source_of(row, path)
            title = f"{source}/{row['title']}"
            key = (source, row["context"])
            if key not in index:
                index[key] = len(contexts)
                contexts.append(row["context"])
                by_title[title].append(index[key])
            answers = () if row["is_impossible"] else tuple((a["text"], a["answer_start"]) for a in row["answers"])
            questions.append(Question(row["id"], title, index[key], row["question"], answers, source))
    by_source: dict[str, set[int]] = defaultdict(set)
    for q in questions:
        by_source[q.source].add(q.context)
    return Split(contexts, questions, _negatives(contexts, questions, by_title),
                 {name: sorted(cs) for name, cs in by_source.items()})


def _negatives(contexts: list[str], questions: list[Question], by_title: dict[str, list[int]]) -> dict[str, list[int]]:
    """For each question, the paragraphs ranked by how many of the question's
    (informative, idf-weighted) words they share — the ones a retriever would return:
    its article's other paragraphs, or, for a one-paragraph article (Natural
    Questions, TyDi) or a huge one (a subreddit), those of its source that share its
    rare words. Paragraphs that contain one of its answers are left out."""
    context_terms = [set(terms(c)) for c in contexts]
    lowered = [c.lower() for c in contexts]
    frequency: dict[str, int] = defaultdict(int)
    for words in context_terms:
        for word in words:
            frequency[word] += 1
    postings: dict[str, list[int]] = defaultdict(list)
    for c, words in enumerate(context_terms):
        for word in words:
            if frequency[word] <= RARE:
                postings[word].append(c)
    source_of_context = {q.context: q.source for q in questions}
    result = {}
    for q in questions:
        asked = set(terms(q.question))
        golds = [text.lower() for text, _ in q.answers]
        pool = by_title[q.title]
        if len(pool) < 2 or len(pool) > MAX_ARTICLE:
            pool = {c for w in asked for c in postings.get(w, ()) if source_of_context.get(c) == q.source}
        scored = []
        for c in pool:
            if c == q.context or any(g in lowered[c] for g in golds):
                continue
            overlap = sum(1.0 / frequency[w] for w in asked & context_terms[c])
            scored.append((-overlap, c))
        result[q.id] = [c for _, c in sorted(scored)[:50]]
    return result


def sample_negatives(split: Split, rng: random.Random, questions: list[Question] | None = None,
                     rate: float = 1.0, hard: float = 0.7) -> list[tuple[Question, int]]:
    """(question, paragraph without its answer) pairs, for each question with
    probability ``rate``: with probability ``hard`` one of the three most similar
    paragraphs, else any other of its pool; a question that shares no rare word with
    any other paragraph gets a random paragraph of its source."""
    pairs = []
    for q in split.questions if questions is None else questions:
        if rng.random() >= rate:
            continue
        pool = split.negatives[q.id]
        if pool:
            pairs.append((q, rng.choice(pool[:3]) if rng.random() < hard else rng.choice(pool)))
            continue
        others = split.by_source.get(q.source, [])
        choice = rng.choice(others) if len(others) > 1 else q.context
        golds = [text.lower() for text, _ in q.answers]
        if choice != q.context and not any(g in split.contexts[choice].lower() for g in golds):
            pairs.append((q, choice))
    return pairs
