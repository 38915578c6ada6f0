import math

import pytest

from evals import metrics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The  Cat, the HAT!", "cat hat"),
        ("David O’Sullivan", "david o sullivan"),
        ("An apple a day", "apple day"),
        ("theatre", "theatre"),
        ("ＣＳＴＯ", "csto"),
    ],
)
def test_normalize_follows_squad_and_unicode_punctuation(text, expected):
    assert metrics.normalize(text) == expected


def test_exact_match_ignores_case_articles_and_punctuation_only():
    assert metrics.exact_match("The CSTO.", ["CSTO"]) == 1.0
    assert metrics.exact_match("David O’Sullivan", ["David O'Sullivan"]) == 1.0
    assert metrics.exact_match("the CSTO alliance", ["CSTO"]) == 0.0
    assert metrics.exact_match("anything", []) == 0.0


def test_f1_is_best_over_gold_answers_by_hand():
    # prediction tokens: deputy foreign minister said (4); gold: deputy foreign minister (3); common 3
    # precision 3/4, recall 3/3 -> F1 = 2 * 0.75 * 1 / 1.75
    assert metrics.f1("deputy foreign minister said", ["nothing here", "deputy foreign minister"]) == pytest.approx(6 / 7)
    assert metrics.f1("no overlap", ["deputy"]) == 0.0


def test_containment_needs_whole_words():
    assert metrics.containment("He is Kazakhstan’s deputy foreign minister.", ["deputy foreign minister"]) == 1.0
    assert metrics.containment("The oilfield", ["oil"]) == 0.0
    assert metrics.containment("offering to sell oil", ["oil"]) == 1.0


def test_recall_and_mrr_by_hand():
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert metrics.recall_at(ranked, ["c", "z"], 5) == 0.5
    assert metrics.recall_at(ranked, ["f"], 5) == 0.0
    assert metrics.mrr_at(ranked, ["c", "e"], 10) == pytest.approx(1 / 3)
    assert metrics.mrr_at(ranked, ["z"], 10) == 0.0


def test_ndcg_with_several_graded_relevant_documents_by_hand():
    ranked = ["x", "a", "y", "b"]
    relevance = {"a": 2.0, "b": 1.0, "c": 1.0}
    dcg = 2 / math.log2(3) + 1 / math.log2(5)
    idcg = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at(ranked, relevance, 10) == pytest.approx(dcg / idcg)
    assert metrics.ndcg_at(["a", "b", "c"], relevance, 10) == pytest.approx(1.0)
    assert metrics.ndcg_at(["q"], {}, 10) == 0.0


def test_percentile_interpolates():
    assert metrics.percentile([10, 20, 30, 40], 50) == 25
    assert metrics.percentile([5], 95) == 5
    assert metrics.percentile([], 50) == 0.0


def test_quote_overlap_finds_the_gold_span_exactly_or_ignoring_case_and_spacing():
    from evals.metrics import occurrences, overlaps

    text = "Intro.\nYou may apply online   at the portal. Or by mail."
    spans = occurrences(text, "you may apply online at the portal")
    assert spans == [(7, 43)]
    assert overlaps(0, 10, spans) and not overlaps(44, 56, spans)
    assert occurrences(text, "by phone") == []


def test_a_quote_keeps_its_documents_own_reference_marks_for_containment():
    """The answer's citation marker is taken out of the text scored, but a "[32]" the document itself
    holds inside the quote is part of what the gold answer says."""
    from assistant.types import Answer, Citation
    from evals.runner import score_question
    from evals.suites import Question

    document = "Ae. albopictus has been in the US since 1985, primarily in Florida [32] and has spread since."
    quote = Citation(n=1, source="a.txt", page=None, start=0, end=len(document), quote=document)
    gold = Question(id="q", question="Where is Ae. albopictus?", sources=("a.txt",),
                    answers=("since 1985, primarily in Florida [32] and has spread",))
    answered = Answer(question=gold.question, rewritten_question=gold.question, declined=False,
                      answer=f"“{document}” [1]", short_answer="Florida", citations=[quote])
    assert score_question(gold, answered, ["a.txt"], {"a.txt": document}, 5)["containment"] == 1.0
    elsewhere = answered.model_copy(update={"answer": "In Florida [1]"})
    assert score_question(gold, elsewhere, ["a.txt"], {"a.txt": document}, 5)["containment"] == 0.0
