"""Helpers shared by the benchmarks: corpus loading, recall, memory."""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "evals" / "squad-dev"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def answerable_questions(suite: Path) -> list[dict]:
    path = suite / "questions.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [q for q in rows if not q.get("unanswerable") and q.get("sources")]


def corpus_path(suite: Path) -> Path:
    return suite / "corpus" if (suite / "corpus").is_dir() else suite / "corpus.jsonl" if (suite / "corpus.jsonl").exists() else suite


def recall_at(ranked_sources: list[list[str]], questions: list[dict], k: int) -> float | None:
    """Share of questions with a gold source among the first ``k`` distinct sources retrieved."""
    if not questions:
        return None
    hits = 0
    for ranked, question in zip(ranked_sources, questions):
        top = list(dict.fromkeys(ranked))[:k]
        hits += bool(set(question["sources"]) & set(top))
    return round(hits / len(questions), 4)
