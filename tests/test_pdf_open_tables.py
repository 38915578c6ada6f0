"""Tables ruled only across (top, under the header, bottom — booktabs, journals, reports) are
kept as tables, titled by their caption, and answered from their cells; a boxed listing or
prose between rules is not a table; a two-column page with a table is read column by column."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import formats
from index.loaders import load_file
from index.loaders.pdf_open_tables import Rule, Side, Word, tables_in
from index.loaders.pdf_tables import mapped


def test_a_table_ruled_only_across_is_kept_as_a_table_under_its_caption(tmp_path):
    [document] = load_file(formats.write_booktabs_pdf(tmp_path / "paper.pdf"), "paper.pdf")
    [table] = document.tables
    assert table.title == "Table 1: Exact match and F1 of the three readers"
    assert table.header == ("Reader", "Size", "Dev set EM", "Dev set F1", "Test F1")  # the spanning head on both
    assert [row.cells for row in table.rows] == [tuple(r) for r in formats.RESULTS[2:]]
    text = document.text
    assert "$ reader --eval dev.jsonl" in text  # the boxed listing stays text
    assert document.section_at(text.index(formats.LEFT_PROSE)) is None  # the prose after it is not in row 4
    # the left column (its table, the prose under it, the listing) comes whole before the right column
    assert text.index("Kestrel") < text.index(formats.LEFT_PROSE) < text.index("--eval") < text.index(
        formats.RIGHT_PROSE)


def _words(line: str, top: float, x: float = 0.0) -> list[Word]:
    """The words of ``line`` set at ``top``, 6 points a letter, with cells parted by "|"."""
    found = []
    for cell in line.split("|"):
        for word in cell.split():
            found.append(Word(word, x, x + 6 * len(word), top, top + 10))
            x += 6 * len(word) + 3
        x += 30
    return found


RULES = [Rule(0, 300, 0), Rule(0, 300, 14), Rule(0, 300, 70)]


def test_words_between_rules_make_columns_and_a_wrapped_cell_stays_in_its_row():
    words = [*_words("Port|Depth|Notes", 2), *_words("Bergen|12 m|deep water quay", 16),
             *_words("Tromsø|9 m|ice", 30)]
    words += [Word("in", 117, 129, 44, 54), Word("winter", 132, 168, 44, 54)]  # "ice" wrapped under its column
    [table] = tables_in(RULES, words)
    assert table.rows == (("Port", "Depth", "Notes"), ("Bergen", "12 m", "deep water quay"),
                          ("Tromsø", "9 m", "ice in winter"))
    assert (table.top, table.bottom) == (0, 70)


def test_prose_or_a_box_between_rules_is_not_a_table():
    prose = [*_words("The harbour opens at dawn and closes at dusk all year.", 2),
             *_words("Ships wait outside the breakwater when the wind is strong.", 16),
             *_words("Pilots board them two miles out and bring them in.", 30)]
    assert tables_in(RULES, prose) == []
    grid_like = [*_words("Port|Depth", 2), *_words("Bergen|12 m", 16), *_words("Tromsø|9 m", 30)]
    assert len(tables_in(RULES, grid_like)) == 1
    sides = [Side(0, 0, 70), Side(300, 0, 70)]  # the rules are a box's top and bottom: a listing or a note
    assert tables_in(RULES, grid_like, sides) == []


def test_a_lined_form_is_given_up_after_a_bounded_number_of_tries(monkeypatch):
    from index.loaders import pdf_open_tables

    lined = [Rule(0, 300, 14 * n) for n in range(40)]  # a rule under every line of a form
    prose = [w for n in range(40) for w in _words("Write the name of the ship and its port of call here.", 14 * n + 2)]
    tried = []
    original = pdf_open_tables._table
    monkeypatch.setattr(pdf_open_tables, "_table", lambda *args: tried.append(args) or original(*args))
    assert tables_in(lined, prose) == [] and len(tried) <= pdf_open_tables.MAX_TRIES < 40 * 39 // 2


@pytest.mark.slow
def test_a_question_about_a_paper_s_table_is_answered_from_its_cells(tmp_path):
    from assistant import Assistant

    (tmp_path / "docs").mkdir()
    formats.write_booktabs_pdf(tmp_path / "docs" / "paper.pdf")
    bot = Assistant(store=tmp_path / "store")
    assert bot.index([tmp_path / "docs"]).to_json()["files"]["failed"] == []
    answer = bot.ask("What is the test F1 of Kestrel?")
    assert answer.short_answer == "79.6"
    cited = answer.citations[0]
    assert (cited.source, cited.page) == ("paper.pdf", 1) and cited.section.endswith(", row 3")
    assert bot.ask("Which reader has the highest dev set EM?").short_answer == "Osprey"
    assert bot.ask("What size is the Heron reader?").short_answer == "22M"


def test_a_latex_table_s_ligatures_are_read_as_letters_not_as_unmapped_glyphs():
    """pdflatex's T1 fonts carry no Unicode map: pdfminer reads "office" in a table cell as
    "o(cid:30)ce". The fixture is ``helpers/t1-ligatures.tex`` built by pdflatex."""
    pdf = Path(__file__).parent / "helpers" / "t1-ligatures.pdf"
    text = load_file(pdf, "t1-ligatures.pdf")[0].text
    assert "Field: office staff; Value: difficult." in text
    assert "Field: fluffy pillows; Value: ffl baffle." in text
    assert "(cid:" not in text
    assert mapped("(cid:29)u(cid:27)y (cid:200)x") == "fluffy x"
