"""Feedback on answers as a regression suite.

Each rated answer of a collection becomes a question: 👍 keeps the answer it got
(its short answer, or its quoted text) and the sources it cited as what must
come back; 👎 with a correction expects the correction; 👎 without one says only
that the answer was wrong, which no metric can check, so it is left out. Earlier
questions of the conversation are the question's history.

    assistant eval --from-feedback COLLECTION [--export DIR] [--database URL]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from evals.suites import Question, Suite, SuiteError


def question_of(record: dict) -> Question | None:
    answer = record["answer"]
    cited = tuple(dict.fromkeys(c["source"] for c in answer.get("citations", [])))
    base = {"id": f"feedback-{record['id']}", "question": record["question"], "history": tuple(record["history"])}
    if record["correction"]:
        return Question(**base, answers=(record["correction"],), sources=cited if record["rating"] > 0 else ())
    if record["rating"] < 0:
        return None
    if answer.get("declined"):
        return Question(**base, unanswerable=True)
    expected = answer.get("short_answer") or re.sub(r"\s*\[\d+\]", "", answer.get("answer", "")).strip()
    return Question(**base, answers=(expected,), sources=cited)


def as_json(question: Question) -> dict:
    return {"id": question.id, "question": question.question, "answers": list(question.answers),
            "sources": list(question.sources), "unanswerable": question.unanswerable,
            "history": list(question.history)}


def feedback_suite(args: argparse.Namespace) -> Suite:
    """The suite of a collection's feedback (written to ``args.export`` when given)."""
    from assistant.server.conversations import Conversations
    from assistant.server.database import Database, database_url
    from assistant.settings import Settings

    store = Path(args.store).expanduser() if args.store else Settings().store
    records = Conversations(Database(database_url(args.database, store))).feedback_for(args.from_feedback)
    questions = tuple(q for q in map(question_of, records) if q is not None)
    if not questions:
        raise SuiteError(f"no usable feedback on collection {args.from_feedback!r} yet: rate answers 👍, or 👎 "
                         "with a correction, in the app or with POST /v1/feedback")
    folder = Path(args.export) if args.export else store / "feedback" / args.from_feedback
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "questions.jsonl").open("w", encoding="utf-8") as handle:
        for question in questions:
            handle.write(json.dumps(as_json(question), ensure_ascii=False) + "\n")
    args.collection = args.collection or args.from_feedback
    return Suite(f"feedback-{args.from_feedback}", folder, None, questions, retrieval_only=False)
