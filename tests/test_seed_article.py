"""The suite the assistant was first commissioned for: ../shared/evals/seed-article."""

import json

import pytest

from conftest import SHARED, needs_shared

pytestmark = [pytest.mark.slow, pytest.mark.shared, needs_shared("seed-article")]


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    from assistant import Assistant

    bot = Assistant(collection="seed", store=tmp_path_factory.mktemp("seed"))
    bot.index([SHARED / "seed-article" / "corpus"])
    questions = [json.loads(line) for line in (SHARED / "seed-article" / "questions.jsonl").read_text().splitlines() if line.strip()]
    text = (SHARED / "seed-article" / "corpus" / "central-asia-west-ties.txt").read_text()
    return bot, questions, text


def test_answerable_questions_are_answered_and_cited_verbatim(seed):
    from evals.metrics import containment

    bot, questions, text = seed
    for q in (q for q in questions if not q["unanswerable"]):
        answer = bot.ask(q["question"], history=q["history"])
        assert not answer.declined, q["id"]
        assert containment(answer.answer, q["answers"]), (q["id"], answer.answer)
        assert answer.citations, q["id"]
        for c in answer.citations:
            assert c.source == "central-asia-west-ties.txt" and text[c.start : c.end] == c.quote


def test_unanswerable_questions_are_declined_without_citations(seed):
    bot, questions, _ = seed
    for q in (q for q in questions if q["unanswerable"]):
        answer = bot.ask(q["question"], history=q["history"])
        assert answer.declined and not answer.citations, (q["id"], answer.answer)


def test_follow_up_is_rewritten_and_answered(seed):
    bot, questions, _ = seed
    q = next(q for q in questions if q["history"])
    answer = bot.ask(q["question"], history=q["history"])
    assert "Vassilenko" in answer.rewritten_question
    assert "POLITICO" in answer.answer
