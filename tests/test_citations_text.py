"""Citations in the terminal: where and what, overlapping ones printed once."""

from assistant.citations_text import format_citations, trim
from assistant.types import Citation

TEXT = "The ferry leaves at 7:15. It returns at 19:40 from Pier 9. Tickets cost 3 euros."


def cite(n, phrase_start, phrase_end, source="timetable/ferries.md", page=None, section="Timetable"):
    start, end = TEXT.index(phrase_start), TEXT.index(phrase_end) + len(phrase_end)
    return Citation(n=n, source=source, page=page, section=section, start=start, end=end, quote=TEXT[start:end])


def test_a_citation_shows_path_page_section_and_quote():
    lines = format_citations([cite(1, "The ferry", "7:15.", source="guide.pdf", page=4)])
    assert lines == ["  [1] guide.pdf, page 4 — Timetable", "      “The ferry leaves at 7:15.”"]


def test_overlapping_citations_are_merged_into_one_quote():
    lines = format_citations([cite(1, "The ferry", "returns at 19:40"), cite(2, "It returns", "Pier 9.")])
    assert lines == ["  [1][2] timetable/ferries.md — Timetable",
                     "      “The ferry leaves at 7:15. It returns at 19:40 from Pier 9.”"]


def test_separate_passages_stay_separate():
    lines = format_citations([cite(1, "The ferry", "7:15."), cite(2, "Tickets", "euros.")])
    assert [line for line in lines if line.startswith("  [")] == [
        "  [1] timetable/ferries.md — Timetable", "  [2] timetable/ferries.md — Timetable"]


def test_long_quotes_are_trimmed_on_a_word():
    trimmed = trim("word " * 100, limit=40)
    assert trimmed.endswith(" …") and len(trimmed) <= 42 and "wor …" not in trimmed
