"""The extractive answerer's logic, with a deterministic fake embedder."""

from assistant.answerers.extractive import Calibration, ExtractiveAnswerer, answer_type
from assistant.types import Passage
from conftest import FakeEmbedder

DOC = ("The museum opened in 1921. Its founder was Clara Hughes, a retired sea captain. "
       "Admission costs 12 dollars for adults.")


def passage(text=DOC, start=100, source="museum.txt"):
    return Passage(id="c1", source=source, page=None, start=start, end=start + len(text), text=text, score=0.03)


def answerer(threshold=0.5):
    calibration = Calibration(weights=(1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0),
                              confidence_weights=(0.0, 4.0, 4.0, 0.0, 0.0, -2.0, 0.0), confidence_bias=-2.0,
                              threshold=threshold)
    return ExtractiveAnswerer(embed=FakeEmbedder().embed, calibration=calibration)


def test_quotes_the_sentence_that_answers_with_a_citation_into_the_document():
    result = answerer().answer("Who was the founder of the museum?", [passage()])
    assert not result.declined
    assert "Its founder was Clara Hughes" in result.answer and "[1]" in result.answer
    citation = result.citations[0]
    assert (citation.n, citation.source) == (1, "museum.txt")
    assert DOC[citation.start - 100 : citation.end - 100] == citation.quote


def test_a_sentence_that_leans_on_the_one_before_is_quoted_with_it():
    result = answerer().answer("Who was the founder of the museum?", [passage()])
    assert result.citations[0].quote.startswith("The museum opened in 1921. Its founder")


def test_every_marker_has_a_citation():
    result = answerer().answer("How much is admission for adults?", [passage()])
    import re

    markers = {int(n) for n in re.findall(r"\[(\d+)\]", result.answer)}
    assert markers == {c.n for c in result.citations}


def test_declines_when_nothing_retrieved_supports_an_answer():
    result = answerer().answer("What is the capital of Peru?", [passage()])
    assert result.declined and not result.citations
    assert result.answer.startswith("The documents don't say")


def test_declines_with_no_passages():
    assert answerer().answer("Anything?", []).declined


def test_answer_types():
    assert answer_type("How many trips were taken?") == "number"
    assert answer_type("When did it open?") == "date"
    assert answer_type("In what year was it built?") == "date"
    assert answer_type("Who founded it?") == "name"
    assert answer_type("Why did it close?") == "other"
