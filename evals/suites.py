"""Load an evaluation suite from a folder.

Two layouts:
- question set: ``corpus/`` (a folder of documents) or ``corpus.jsonl`` (BEIR),
  plus ``questions.jsonl`` (or ``questions.yaml``) with
  ``id, question, answers, sources, unanswerable, history``;
- BEIR retrieval set: ``corpus.jsonl``, ``queries.jsonl``, ``qrels/test.tsv``
  (retrieval metrics only).

A question set without a corpus (one exported from feedback) is asked of a
collection that is already indexed (``assistant eval DIR --collection NAME``).
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import AssistantError

log = logging.getLogger(__name__)


class SuiteError(AssistantError):
    """The suite folder or one of its files is not in a layout the runner reads."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    unanswerable: bool = False
    history: tuple[str, ...] = ()
    relevance: dict[str, float] = field(default_factory=dict)
    """Graded relevance of sources (BEIR qrels); gold sources count 1 when absent."""

    @property
    def graded(self) -> dict[str, float]:
        return self.relevance or {s: 1.0 for s in self.sources}


@dataclass(frozen=True)
class Suite:
    name: str
    folder: Path
    corpus: Path | None
    """``None``: the questions are asked of an indexed collection, nothing is synced."""
    questions: tuple[Question, ...]
    retrieval_only: bool
    warnings: tuple[str, ...] = ()


def load_suite(folder: str | Path) -> Suite:
    folder = Path(folder)
    if not folder.is_dir():
        raise SuiteError(f"{folder}: no such suite folder; give a folder with a corpus and questions.jsonl")
    corpus = folder / "corpus" if (folder / "corpus").is_dir() else folder / "corpus.jsonl"
    name = folder.resolve().name
    for candidate in ("questions.jsonl", "questions.yaml", "questions.yml"):
        if (folder / candidate).exists():
            return Suite(name, folder, corpus if corpus.exists() else None, tuple(_read_questions(folder / candidate)),
                         retrieval_only=False)
    if not corpus.exists():
        raise SuiteError(f"{folder}: missing corpus; add a corpus/ folder of documents or a BEIR corpus.jsonl")
    queries, qrels = folder / "queries.jsonl", folder / "qrels" / "test.tsv"
    if queries.exists() and qrels.exists():
        questions, warnings = _read_beir(queries, qrels, corpus)
        return Suite(name, folder, corpus, tuple(questions), retrieval_only=True, warnings=tuple(warnings))
    raise SuiteError(
        f"{folder}: no questions.jsonl (question set) nor queries.jsonl with qrels/test.tsv (BEIR retrieval set)"
    )


def _read_questions(path: Path) -> list[Question]:
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise SuiteError(f"{path}: not valid YAML ({exc})") from exc
        if isinstance(records, dict):
            records = records.get("questions", [])
        numbered = [(f"{path} item {i}", r) for i, r in enumerate(records, start=1)]
    else:
        numbered = [(f"{path}:{n}", r) for n, r in _jsonl(path)]
    questions, seen = [], set()
    for where, record in numbered:
        question = _question(where, record)
        if question.id in seen:
            raise SuiteError(f"{where}: duplicate id {question.id!r}; ids must be unique")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise SuiteError(f"{path}: no questions")
    return questions


def _jsonl(path: Path):
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise SuiteError(f"{path}:{number}: malformed JSON ({exc.msg}); each line must be one JSON object") from exc


def _question(where: str, record) -> Question:
    if not isinstance(record, dict):
        raise SuiteError(f"{where}: expected an object with id and question")
    missing = [key for key in ("id", "question") if not str(record.get(key) or "").strip()]
    if missing:
        raise SuiteError(f"{where}: missing {' and '.join(missing)}; every question needs an id and a question")

    def strings(key: str) -> tuple[str, ...]:
        value = record.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise SuiteError(f"{where}: {key!r} must be a list of strings")
        return tuple(str(v) for v in value)

    unanswerable = bool(record.get("unanswerable", False))
    answers = strings("answers")
    if not unanswerable and not answers:
        raise SuiteError(f"{where}: an answerable question needs at least one answer (or set unanswerable: true)")
    return Question(
        id=str(record["id"]), question=str(record["question"]), answers=answers, sources=strings("sources"),
        unanswerable=unanswerable, history=strings("history"),
    )


def _read_beir(queries: Path, qrels: Path, corpus: Path) -> tuple[list[Question], list[str]]:
    texts = {}
    for number, record in _jsonl(queries):
        if not isinstance(record, dict) or "_id" not in record or "text" not in record:
            raise SuiteError(f"{queries}:{number}: each query needs \"_id\" and \"text\"")
        texts[str(record["_id"])] = str(record["text"])
    corpus_ids = _corpus_ids(corpus)
    relevance: dict[str, dict[str, float]] = {}
    warnings: list[str] = []
    with qrels.open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or (number == 1 and row[0] == "query-id"):
                continue
            if len(row) < 3:
                raise SuiteError(f"{qrels}:{number}: expected query-id, corpus-id, score separated by tabs")
            query_id, doc_id, score = row[0], row[1], row[2]
            if query_id not in texts:
                warnings.append(f"{qrels}:{number}: unknown query {query_id!r}; row skipped")
                continue
            if doc_id not in corpus_ids:
                warnings.append(f"{qrels}:{number}: unknown document {doc_id!r}; row skipped")
                continue
            try:
                relevance.setdefault(query_id, {})[doc_id] = float(score)
            except ValueError:
                raise SuiteError(f"{qrels}:{number}: score {score!r} is not a number") from None
    for warning in warnings:
        log.warning(warning)
    questions = [
        Question(id=qid, question=texts[qid], sources=tuple(d for d, s in rel.items() if s > 0), relevance=rel)
        for qid, rel in relevance.items()
        if any(s > 0 for s in rel.values())
    ]
    return questions, warnings


def _corpus_ids(corpus: Path) -> set[str]:
    if corpus.is_dir():
        from index.sync import walk_files

        return {p.relative_to(corpus).as_posix() for p in walk_files(corpus)}
    ids = set()
    with corpus.open("rb") as handle:
        for line in handle:
            if line.strip():
                try:
                    ids.add(str(json.loads(line)["_id"]))
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue
    return ids
