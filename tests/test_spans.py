"""Span decoding: the best start/end pair, and answers that stay on their line."""

import pytest
import numpy as np

from assistant.reader.spans import ANSWER_LENGTH, SpanLength, best_spans, top_spans


def scores(peaks_start, peaks_end, n=8):
    start, end = np.full((1, n), -5.0), np.full((1, n), -5.0)
    for i, v in peaks_start.items():
        start[0, i] = v
    for i, v in peaks_end.items():
        end[0, i] = v
    return start, end


def test_best_span_is_the_highest_start_plus_end_in_order():
    start, end = scores({2: 4.0, 5: 1.0}, {3: 3.0, 1: 9.0})
    [span] = best_spans(start, end, context_starts=[1], lengths=[7])
    assert (span.start_token, span.end_token) == (2, 3) and span.margin == 7.0 - (-10.0)


def test_a_span_never_crosses_a_line_when_lines_are_given():
    start, end = scores({2: 5.0, 5: 1.0}, {6: 5.0, 5: 2.0})
    lines = [np.array([0, 0, 0, 1, 1, 1, 1])]  # passage tokens 1..7: a line break after the third
    [free] = best_spans(start, end, context_starts=[1], lengths=[7])
    [kept] = best_spans(start, end, context_starts=[1], lengths=[7], lines=lines)
    assert (free.start_token, free.end_token) == (2, 6)
    assert (kept.start_token, kept.end_token) == (5, 6)


def long_answer(extra: float, n: int = 60):
    """A 41-token span (tokens 5..45) whose start and end each score ``extra`` logits above
    those of a 2-token span (20..21)."""
    return scores({5: 4.0 + extra, 20: 4.0}, {45: 4.0 + extra, 21: 4.0}, n=n)


PENALISED = SpanLength(cap=96, free=30, penalty=0.05)  # the stage-4 reader's: free to 30 tokens, then 0.05 a token


@pytest.mark.parametrize("length", [ANSWER_LENGTH, PENALISED])
def test_a_clause_longer_than_the_usual_answer_wins_when_the_reader_marks_it_clearly(length):
    extra = length.penalty * (41 - length.free) + 0.5 if length.free < 41 else 0.5
    start, end = long_answer(extra)
    [span] = best_spans(start, end, context_starts=[1], lengths=[59], length=length)
    assert (span.start_token, span.end_token) == (5, 45)
    # what ranks the passage and decides a decline stays its best span of the usual
    # length (5..21 or 20..45: 8 + extra against the null's -10), as calibrated
    assert span.evidence == pytest.approx(8.0 + extra + 10.0)
    assert span.margin > span.evidence


def test_a_long_span_loses_to_a_short_one_it_beats_by_less_than_its_length_costs():
    start, end = long_answer(extra=PENALISED.penalty * (41 - PENALISED.free) - 0.1)
    [span] = best_spans(start, end, context_starts=[1], lengths=[59], length=PENALISED)
    assert span.end_token - span.start_token < PENALISED.free


def test_no_span_is_longer_than_the_cap():
    start, end = scores({1: 9.0}, {59: 9.0}, n=60)
    capped = SpanLength(cap=40, free=30, penalty=0.0)
    [span] = best_spans(start, end, context_starts=[1], lengths=[59], length=capped)
    assert span.end_token - span.start_token < 40
    [[best, *_]] = top_spans(start, end, context_starts=[1], lengths=[59], length=capped, k=3)
    assert best == span


@pytest.mark.parametrize("text, cut, whole", [
    ("listed in /etc/apt/sources.list, one line", "apt/sources", "/etc/apt/sources.list"),
    ("Install python3-dev to build", "python3", "python3-dev"),
    ("run dh_make in the folder", "make", "dh_make"),
    ("Pass --no-act to dpkg", "no-act", "--no-act"),
    ("released on 2019-07-06.", "2019", "2019-07-06"),
    ("It costs 2.50 dollars.", "2", "2.50"),
    ("The museum opened in 1921.", "1921", "1921"),
    ("Boat: Kayak; Daily rent", "Kayak", "Kayak"),
    ("the Broncos' defence", "Broncos", "Broncos"),
    ("(see Figure 3)", "Figure 3", "Figure 3"),
])
def test_spans_are_widened_to_whole_joined_names_only(text, cut, whole):
    from assistant.reader.spans import whole_words

    first = text.index(cut)
    start, end = whole_words(text, first, first + len(cut))
    assert text[start:end] == whole


@pytest.mark.parametrize("text, gold", [
    ("a three-tier system", "three"), ("the right-handed pitcher", "right"),
    ("Protestant/Non-Denominational schools", "Protestant"), ("in December 2006.[b] The", "December 2006"),
    ("a 50-person crew", "50"), ("the 4th-best team", "4th"),
])
def test_prose_compounds_and_citation_marks_are_not_widened_over(text, gold):
    from assistant.reader.spans import whole_words

    first = text.index(gold)
    assert whole_words(text, first, first + len(gold)) == (first, first + len(gold))


def test_a_question_for_a_name_gets_the_one_name_in_the_span():
    from assistant.reader.names import name_in

    text = "The mirrors apt downloads from are listed in /etc/apt/sources.list, one line per archive."
    first, last = text.index("apt downloads"), text.index(", one")
    assert text[slice(*name_in("Which file lists the mirrors apt uses?", text, first, last))] == "/etc/apt/sources.list"
    # not asked for a name, or more than one name in the span: the span stays
    assert name_in("Where are the mirrors listed?", text, first, last) == (first, last)
    two = "Run dh_make, then debuild -us -uc in the folder."
    assert name_in("Which command builds the package?", two, 0, len(two) - 1) == (0, len(two) - 1)
    # a name the question already says is not the answer
    said = "Run dpkg-buildpackage in the folder"
    assert name_in("Which folder do I run dpkg-buildpackage in?", said, 0, len(said)) == (0, len(said))


def test_a_question_for_a_name_gets_a_nearly_as_good_span_that_is_one():
    from assistant.reader.names import named_first
    from assistant.reader.runtime import ReaderSpan

    text = "Pass --no-act to dpkg to see what it would do without changing anything on the system."
    def span(words: str, margin: float) -> ReaderSpan:
        return ReaderSpan(0, text.index(words), text.index(words) + len(words), words, margin)

    ranked = [span("Pass", 5.6), span("--no-act", 5.05), span("dpkg", 2.0)]
    best = named_first("Which option makes dpkg only simulate the actions?", ranked)
    assert best[0].text == "--no-act" and best[0].margin == 5.6 and [s.text for s in best[1:]] == ["Pass", "dpkg"]
    # not asked for a name; a name far below the best; a name the question says: the order stays
    assert named_first("What should you do to see what dpkg would do?", ranked) == ranked
    far = [span("Pass", 8.0), span("--no-act", 5.05)]
    assert named_first("Which option makes dpkg only simulate the actions?", far) == far
    said = [span("Pass", 5.6), span("--no-act", 5.05)]
    assert named_first("Which option, --no-act or --simulate, does what?", said) == said


@pytest.mark.parametrize("span, shown", [
    ("0 and 15)", "0 and 15"),  # "(X between 0 and 15)": the reader ended on the bracket
    ("2048 bits (4096 bits", "2048 bits"),  # "greater than 2048 bits (4096 bits is preferred)"
    ("debi(1)", "debi(1)"),
    ("(a) or (b)", "(a) or (b)"),
    ("(4096 bits", "4096 bits"),
    ("Tape ARchive”", "Tape ARchive"),  # 'got its name from “Tape ARchive”.': the reader ended on the mark
    ("“stable”", "“stable”"),
    ("«testing", "testing"),
    ('MIME-Magic\\0\\n"', 'MIME-Magic\\0\\n'),  # 'the magic string "MIME-Magic\\0\\n".': straight marks too
    ('"ftp-master', "ftp-master"),
    ('3.5"', '3.5"'),  # inches
    ('"sid" or "unstable"', '"sid" or "unstable"'),
])
def test_a_short_answer_never_shows_half_a_bracket_or_quotation_pair(span, shown):
    from assistant.answerers.reader import short_form

    assert short_form(span) == shown
