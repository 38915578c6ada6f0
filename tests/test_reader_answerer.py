"""The reader answerer's logic — fusion, reranking, quoting, declining — with a
scripted reader in place of the model."""

import pytest

from assistant.answerers.reader import ReaderAnswerer, ReaderCalibration, quote_around
from assistant.reader import ReaderSpan
from assistant.types import Passage

MUSEUM = ("The museum opened in 1921. Its founder was Clara Hughes, a retired sea captain. "
          "Admission costs 12 dollars for adults.")
HARBOUR = "The harbour was dredged in 1950. Ferries leave at dawn."


def passage(text, source, start=100, n=1):
    return Passage(id=f"c{n}", source=source, page=3, start=start, end=start + len(text), text=text, score=0.03)


class ScriptedReader:
    """Finds ``answer`` in each passage that holds it, with the given margin."""

    def __init__(self, answers: dict[str, tuple[str, float]]):
        self.answers = answers
        self.questions = []

    def read(self, question, texts, candidates=1):
        self.questions.append(question)
        spans = []
        for i, text in enumerate(texts):
            found = [(a, m) for key, (a, m) in self.answers.items() if key in text and a in text]
            answer, margin = found[0] if found else (text.split()[0], -8.0)
            start = text.index(answer)
            spans.append(ReaderSpan(i, start, start + len(answer), answer, margin))
        return spans


def answerer(reader, threshold=0.0, rank_weight=1.0):
    calibration = ReaderCalibration(rank_weight=rank_weight, threshold=threshold, slope=1.0, bias=0.0)
    return ReaderAnswerer(lambda: reader, calibration)


def test_gives_the_short_answer_first_then_the_cited_sentence_that_holds_it():
    reader = ScriptedReader({"founder": ("Clara Hughes", 4.0)})
    result = answerer(reader).answer("Who founded the museum?", [passage(MUSEUM, "museum.txt")])
    assert not result.declined and result.short_answer == "Clara Hughes"
    assert result.answer == "Clara Hughes — “The museum opened in 1921. Its founder was Clara Hughes, a retired sea captain.” [1]"
    citation = result.citations[0]
    assert (citation.source, citation.page) == ("museum.txt", 3)
    assert MUSEUM[citation.start - 100 : citation.end - 100] == citation.quote
    assert result.to_json()["short_answer"] == "Clara Hughes"


def test_a_hard_wrapped_sentence_is_quoted_whole_and_shown_on_one_line():
    """A plain-text manual wraps its lines at 72 characters: a line break inside a sentence
    does not end it, and a list's items stay apart."""
    text = ("You will need these tools:\n"
            "   * fakeroot - this utility lets you emulate being root, which is\n"
            "     necessary for some parts of the build process.\n"
            "   * gnupg - a tool that signs packages.\n")
    reader = ScriptedReader({"emulate": ("fakeroot", 4.0)})
    result = answerer(reader).answer("Which utility lets you emulate being root?", [passage(text, "guide.txt")])
    quote = result.citations[0].quote
    assert quote.startswith("* fakeroot") and quote.endswith("the build process.") and "gnupg" not in quote
    assert text[result.citations[0].start - 100 : result.citations[0].end - 100] == quote  # verbatim, offsets exact
    assert "which is necessary for some parts" in result.answer


def test_a_quote_that_begins_mid_line_is_shown_unwrapped_and_so_is_its_short_answer():
    """Whether a line break is wrapping depends on the whole line, and a quote that begins
    mid-line holds only its tail ("The reasons why we"): the break is judged in the passage."""
    text = ("Chest CT is a key tool for early diagnosis in the clinic. The reasons why we\n"
            "adopted the low-dose chest CT protocol are as follows: it is widely used\n"
            "in the screening of early lung cancer.\n")
    reader = ScriptedReader({"reasons": ("widely used\nin the screening", 4.0)})
    result = answerer(reader).answer("Why did they adopt low-dose CT?", [passage(text, "ct.txt")])
    assert result.short_answer == "widely used in the screening"
    assert result.answer == ("widely used in the screening — “The reasons why we adopted the low-dose chest CT protocol "
                             "are as follows: it is widely used in the screening of early lung cancer.” [1]")
    assert result.citations[0].quote.startswith("The reasons why we\nadopted")  # the document's own characters


def test_short_lines_in_lower_case_are_a_lists_items_not_a_wrapped_sentence():
    from assistant.text import sentences

    assert [s.text for s in sentences("Pack these\n\nflour\nsugar\n\nThen go.")] == ["Pack these", "flour", "sugar",
                                                                                   "Then go."]


def test_a_short_answer_that_is_most_of_its_sentence_is_given_once():
    text = "The lamp burned whale oil until 1921."
    reader = ScriptedReader({"lamp": ("The lamp burned whale oil until 1921", 4.0)})
    result = answerer(reader).answer("What did the lamp burn?", [passage(text, "lamp.txt")])
    assert result.answer == "The lamp burned whale oil until 1921. [1]"
    assert result.short_answer == "The lamp burned whale oil until 1921"


def test_the_passage_that_answers_is_cited_and_ranked_first_even_when_retrieved_second():
    reader = ScriptedReader({"founder": ("Clara Hughes", 5.0)})
    passages = [passage(HARBOUR, "harbour.txt", n=1), passage(MUSEUM, "museum.txt", n=2)]
    result = answerer(reader).answer("Who founded the museum?", passages)
    assert result.citations[0].source == "museum.txt"
    assert [p.source for p in result.passages] == ["museum.txt", "harbour.txt"]


def test_retrieval_rank_breaks_near_ties_between_passages():
    reader = ScriptedReader({"1950": ("1950", 3.0), "1921": ("1921", 3.2)})
    passages = [passage(HARBOUR, "harbour.txt", n=1), passage(MUSEUM, "museum.txt", n=2)]
    assert answerer(reader, rank_weight=1.0).answer("When?", passages).short_answer == "1950"
    assert answerer(reader, rank_weight=0.0).answer("When?", passages).short_answer == "1921"


def test_declines_when_no_span_beats_no_answer_and_says_so_plainly():
    reader = ScriptedReader({})
    result = answerer(reader, threshold=0.0).answer("Who is the mayor?", [passage(MUSEUM, "museum.txt")])
    assert result.declined and result.citations == [] and result.short_answer is None
    assert "don't say" in result.answer
    assert result.to_json()["short_answer"] is None
    assert result.confidence < 0.5


def test_reads_the_rewritten_follow_up_and_declines_with_nothing_retrieved():
    reader = ScriptedReader({"founder": ("Clara Hughes", 4.0)})
    bot = answerer(reader)
    bot.answer("Who founded it?", [passage(MUSEUM, "museum.txt")], rewritten="Who founded the museum?")
    assert reader.questions == ["Who founded the museum?"]
    assert bot.answer("Anything?", []).declined


class WordingReader(ScriptedReader):
    """Scores the museum's founder high only when the question is put on its own."""

    def read(self, question, texts, candidates=1):
        spans = super().read(question, texts, candidates)
        return [s if question.startswith("And who") else ReaderSpan(s.passage, s.start, s.end, s.text, -6.0)
                for s in spans]


def test_a_turn_that_also_remarks_is_read_by_its_question_alone_when_that_scores_better():
    reader = WordingReader({"founder": ("Clara Hughes", 4.0)})
    bot = answerer(reader, threshold=-2.0)
    turn = "Great, I'll give the museum a visit later. And who founded the museum?"
    result = bot.answer(turn, [passage(MUSEUM, "museum.txt")], follow_up=True)
    assert reader.questions == [turn, "And who founded the museum?"]
    assert not result.declined and result.short_answer == "Clara Hughes"
    assert result.rewritten_question == turn  # what was searched and is shown stays the whole turn


def test_a_plain_question_or_a_turn_that_only_asks_is_read_once():
    reader = ScriptedReader({"founder": ("Clara Hughes", 4.0)})
    bot = answerer(reader)
    bot.answer("The guide mentions a founder. Who was it?", [passage(MUSEUM, "museum.txt")])
    bot.answer("Who founded it? When?", [passage(MUSEUM, "museum.txt")], follow_up=True)
    assert reader.questions == ["The guide mentions a founder. Who was it?", "Who founded it? When?"]


def test_quote_spans_every_sentence_the_answer_touches():
    p = passage(MUSEUM, "museum.txt", start=0)
    start = MUSEUM.index("1921")
    end = MUSEUM.index("Clara") + len("Clara")
    quote = quote_around(p, start, end)
    assert quote.text == "The museum opened in 1921. Its founder was Clara Hughes, a retired sea captain."


def test_a_sentence_that_leans_on_the_one_before_is_quoted_with_it():
    text = "Clara Hughes founded the museum. She was a retired sea captain. Admission is free."
    p = passage(text, "museum.txt", start=0)
    at = text.index("retired sea captain")
    assert quote_around(p, at, at + len("retired sea captain")).text == (
        "Clara Hughes founded the museum. She was a retired sea captain.")


def test_reader_options_that_do_not_apply_are_refused_by_name(fake_collection):
    from assistant import answerers
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="base_url"):
        answerers.create("reader", fake_collection(), base_url="http://127.0.0.1:1")


def test_among_near_ties_the_span_whose_line_the_question_names_wins():
    from assistant.answerers.reader import supported_span

    text = ("• mentor: a person who helps novice maintainers with packaging etc.\n"
            "• Debian Developer (DD): a member of the Debian project with full upload rights.\n"
            "• Debian Maintainer (DM): a person with limited upload rights.")
    passage = Passage(id="p", source="guide.pdf", page=1, start=0, end=len(text), text=text)

    def span(answer, margin, runners_up=()):
        start = text.index(answer)
        return ReaderSpan(0, start, start + len(answer), answer, margin, runners_up)

    best = span("full upload rights", 4.5, (span("limited upload rights", 3.5),))
    assert supported_span("What upload rights does a Debian Maintainer have?", passage, best).text == \
        "limited upload rights"
    assert supported_span("What upload rights does a Debian Developer have?", passage, best).text == \
        "full upload rights"
    far = span("full upload rights", 9.0, (span("limited upload rights", 3.5),))  # not a near tie: the reader decides
    assert supported_span("What upload rights does a Debian Maintainer have?", passage, far).text == \
        "full upload rights"


def test_an_answer_resting_only_on_words_ocr_was_unsure_of_is_not_given():
    from index.extras import ScanNotes

    scan = "The pump is model QX-773i and was serviced in May."
    typed = "Service records list the pump as model QX-7731."
    at = 100 + scan.index("QX-773i")
    notes = {"scan.pdf": ScanNotes(frozenset({3}), ((at, at + len("QX-773i")),))}
    reader = ScriptedReader({"pump": ("QX-773i", 6.0), "records": ("QX-7731", 3.0)})
    bot = ReaderAnswerer(lambda: reader, ReaderCalibration(threshold=0.0), scans=lambda sources: notes)
    result = bot.answer("Which model is the pump?", [passage(scan, "scan.pdf"), passage(typed, "records.txt", n=2)])
    assert result.short_answer == "QX-7731" and result.citations[0].source == "records.txt"
    alone = bot.answer("Which model is the pump?", [passage(scan, "scan.pdf")])
    assert alone.declined
    sure = ReaderAnswerer(lambda: reader, ReaderCalibration(threshold=0.0), scans=lambda sources: {})
    assert sure.answer("Which model is the pump?", [passage(scan, "scan.pdf")]).short_answer == "QX-773i"


def test_a_sentence_ending_with_a_colon_is_quoted_with_what_it_announces():
    text = ("Preparing the upload. You will need these files:\n• the .dsc file\n• the .changes file\n"
            "• the signed tarball\n\n" + "Unrelated closing remarks go here. " * 30)
    p = passage(text, "guide.txt", start=0)
    at = text.index("these files")
    quote = quote_around(p, at, at + len("these files"), "Which files do I need?")
    assert quote.text == "You will need these files:\n• the .dsc file\n• the .changes file\n• the signed tarball"
    inline = passage("You will need: a passport. The office opens at nine.", "office.txt", start=0)
    assert quote_around(inline, 0, 13, "What do I need?").text == "You will need: a passport."


def test_an_answer_that_only_counts_what_was_asked_is_quoted_with_the_next_sentence():
    text = ("Two vaccinia vectors were developed to address these concerns. The first, MVA, was attenuated "
            "by passage in chick cells. The second is NYVAC. Other work followed.")
    p = passage(text, "review.txt", start=0)
    span = (0, len("Two vaccinia vectors"))
    assert quote_around(p, *span, "What vaccinia vectors were developed?").text == (
        "Two vaccinia vectors were developed to address these concerns. "
        "The first, MVA, was attenuated by passage in chick cells.")
    assert quote_around(p, *span, "How many vaccinia vectors were developed?").text == (
        "Two vaccinia vectors were developed to address these concerns.")
    at = text.index("MVA")
    assert quote_around(p, at, at + 3, "Which strain was attenuated?").text == (
        "The first, MVA, was attenuated by passage in chick cells.")


ANNOUNCING = [
    # (sentence holding the answer, the answer, question, whether the next sentence is quoted too)
    ("AAV vector systems have a number of engaging properties [12] .", "engaging properties",
     "What is the advantage of the AAV vector?", True),
    ("rAd5 has been overshadowed by two clinical trial failures.", "two clinical trial failures",
     "What is an example of failure of rAd5?", True),
    ("rAd5 has been overshadowed by two clinical trial failures.", "two clinical trial failures",
     "How many trials failed?", False),
    ("Send it to your office with two recent pay slips.", "two recent pay slips", "What do I send with it?", False),
    ("Relaxants are used to reduce spasticity in a variety of neurological conditions.",
     "to reduce spasticity in a variety of neurological conditions", "When are relaxants used?", False),
    ("Several vectors have been tried in the clinic, with mixed results.", "mixed results",
     "How did the vectors do?", False),
]


@pytest.mark.parametrize("sentence, answer, question, goes_on", ANNOUNCING)
def test_an_answer_that_counts_things_it_does_not_name_is_quoted_with_the_next_sentence(sentence, answer, question,
                                                                                         goes_on):
    """A sentence ending on "a number of engaging properties" announces them; "two recent pay
    slips" names what it counts, and a longer answer that only ends on a count says what it says."""
    text = f"{sentence} The next sentence says what they are. Another one follows."
    at = text.index(answer)
    quote = quote_around(passage(text, "review.txt", start=0), at, at + len(answer), question).text
    assert quote == (f"{sentence} The next sentence says what they are." if goes_on else sentence)


LOAN = ("To apply, fill in form SF-424. Send it to your local office with two recent pay slips. "
        "The office replies within ten days.\n\nOther programs have other rules.")


def test_a_quote_asked_to_be_longer_takes_the_next_sentences_of_its_paragraph_only():
    p = passage(LOAN, "loans.txt", start=0)
    at = LOAN.index("form SF-424")
    assert quote_around(p, at, at + 11).text == "To apply, fill in form SF-424."
    assert quote_around(p, at, at + 11, min_words=12).text == (
        "To apply, fill in form SF-424. Send it to your local office with two recent pay slips.")
    assert quote_around(p, at, at + 11, min_words=100).text == LOAN.split("\n\n")[0]


def test_a_conversational_turn_is_quoted_with_the_procedure_a_plain_question_is_not():
    reader = ScriptedReader({"SF-424": ("form SF-424", 4.0)})
    bot = answerer(reader)
    plain = bot.answer("Which form is used to apply?", [passage(LOAN, "loans.txt", start=0)])
    assert plain.citations[0].quote == "To apply, fill in form SF-424."
    for question, follow_up in (("ok so how do I apply?", False), ("And how to apply?", True)):
        turn = bot.answer(question, [passage(LOAN, "loans.txt", start=0)], follow_up=follow_up)
        assert turn.short_answer == "form SF-424"
        assert turn.citations[0].quote == LOAN.split("\n\n")[0]


def test_the_document_title_is_not_the_answer_when_the_text_holds_one():
    from assistant.answerers.reader import supported_span

    text = ("Transfer Your GI Bill Benefits | Veterans Affairs\n\n"
            "To transfer your GI Bill benefits, apply through milConnect while you are still serving.")
    p = passage(text, "va.txt", start=0)

    runner_up = ReaderSpan(0, text.index("milConnect"), text.index("milConnect") + 10, "milConnect", 2.0)
    best = ReaderSpan(0, text.index("Veterans Affairs"), text.index("Veterans Affairs") + 16, "Veterans Affairs", 3.0,
                      runners_up=(runner_up,))
    chosen = supported_span("How do I transfer my GI Bill benefits?", p, best)
    assert chosen.text == "milConnect"
    # a first line that runs on into the text is not a title
    wrapped = passage(text.replace("\n\n", "\n"), "va.txt", start=0)
    assert supported_span("How do I transfer my GI Bill benefits?", wrapped, best).text == "Veterans Affairs"


def test_a_section_heading_is_not_the_answer_and_does_not_rank_its_passage():
    manual = ("Packages come from the archive.\n\n6.1. Filling in the sources.list File\n\n6.1.1. Syntax\n\n"
              "Each active line in the /etc/apt/sources.list file represents a package source.")
    body = "APT reads /etc/apt/sources.list when it updates."

    def span(text, answer, margin, runners_up=()):
        start = text.index(answer)
        return ReaderSpan(0, start, start + len(answer), answer, margin, runners_up=runners_up)

    class HeadingReader:
        def read(self, question, texts, candidates=1):
            return [span(manual, "6.1.1.", 6.0, (span(manual, "6.1. Filling in the sources.list File", 4.5),
                                                 span(manual, "/etc/apt/sources.list", 2.0)))
                    if t == manual else span(body, "/etc/apt/sources.list", 3.0) for t in texts]

    sections = ((1418, "6.1. Filling in the sources.list File"), (1457, "6.1.1. Syntax"))
    first = Passage(id="c1", source="apt.html", page=None, start=1385, end=1385 + len(manual), text=manual, sections=sections)
    second = passage(body, "apt-get.html", n=2)
    result = answerer(HeadingReader(), rank_weight=0.0).answer("Which file lists APT's sources?", [first, second])
    assert result.short_answer == "/etc/apt/sources.list"
    assert result.citations[0].source == "apt-get.html"  # its own span (3.0) beats the first passage's (2.0)
    alone = answerer(HeadingReader()).answer("Which file lists APT's sources?", [first])
    assert alone.short_answer == "/etc/apt/sources.list" and "6.1.1" not in alone.answer
