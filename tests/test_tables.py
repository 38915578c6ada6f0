"""Tables answered as tables: which row and column a question names, the table store's
life with its documents, and answers from real indexed tables (CSV and XLSX)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.tables.question import understand
from helpers import formats
from index.documents import Table, TableRow

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "evals" / "tables"


def table(title: str, header: tuple[str, ...], *rows: tuple[str, ...]) -> Table:
    return Table(title, header, tuple(TableRow(i + 2, i * 100, i * 100 + 50, r) for i, r in enumerate(rows)))


RELEASES = table("releases", ("version", "codename", "release", "eol", "eol-lts"),
                 ("9", "Stretch", "2017-06-17", "2020-07-18", "2022-06-30"),
                 ("10", "Buster", "2019-07-06", "2022-09-10", "2024-06-30"),
                 ("11", "Bullseye", "2021-08-14", "2024-08-14", "2026-08-31"),
                 ("12 LTS", "Bookworm", "2023-06-10", "", ""))
STOCK = table("stock", ("id", "item", "quantity"), ("1", "bolts", "2"), ("2", "nuts", "7"), ("3", "washers", "2"))


def test_a_lookup_matches_the_key_after_normalising_and_the_column_by_its_plain_name():
    asked = understand(RELEASES, "When did v10 reach end of life?")
    assert asked.kind == "lookup" and [r.cells[0] for r in asked.rows] == ["10"]
    assert RELEASES.header[asked.column] == "eol"
    asked = understand(RELEASES, "When was bookworm released?")
    assert [r.cells[1] for r in asked.rows] == ["Bookworm"] and RELEASES.header[asked.column] == "release"
    assert understand(RELEASES, "What is the eol-lts of 12?").rows[0].cells[0] == "12 LTS"


def test_a_column_written_as_it_is_wins_over_one_that_shares_its_words():
    asked = understand(RELEASES, "What is the eol-lts date of 11?")
    assert RELEASES.header[asked.column] == "eol-lts"


def test_an_item_the_table_does_not_hold_matches_no_row():
    asked = understand(RELEASES, "What is the codename of release 20?")
    assert asked.kind == "lookup" and asked.rows == ()


def test_a_key_in_a_column_of_distinct_values_beats_the_same_value_elsewhere():
    asked = understand(STOCK, "What is the quantity of item 2?")
    assert [r.cells[1] for r in asked.rows] == ["nuts"]


SEASON = table("Seasonal results", ("Measure", "Sensor", "Calendar (mm)"),
               ("Water use (mm)", "412", "535"), ("Blossom-end rot (%)", "2.1", "4.6"),
               ("Irrigation events", "38", "71"), ("Site (TF)", "7", "8"))


def test_a_number_is_given_with_the_unit_its_row_or_column_names():
    from assistant.tables.written import with_unit
    from index.extras import SourceTable

    source = SourceTable("paper.pdf", 0, SEASON)
    water, rot, events, site = SEASON.rows
    assert with_unit(source, water, 1) == "412 mm"
    assert with_unit(source, rot, 1) == "2.1%"
    assert with_unit(source, events, 1) == "38"  # no unit named
    assert with_unit(source, events, 2) == "71 mm"  # the column's header names it
    assert with_unit(source, site, 1) == "7"  # a code in brackets is not a unit


ZONES = table("Time zones of Argentina and Antarctica", ("Codes", "Coordinates", "Time zone", "Comments"),
              ("AR", "-5448-06818", "America/Argentina/Ushuaia", "Tierra del Fuego (TF)"),
              ("AR", "-3436-05827", "America/Argentina/Buenos_Aires", "Buenos Aires (BA, CF)"),
              ("AQ", "-720041+0023206", "Antarctica/Troll", "Troll"))


def test_which_names_a_column_of_names_a_signed_value_or_a_name_before_brackets_names_a_row():
    asked = understand(ZONES, "Which time zone is used in Tierra del Fuego?")  # "Tierra del Fuego (TF)"
    assert asked.rows[0].cells[2] == "America/Argentina/Ushuaia" and asked.column == 2
    asked = understand(ZONES, "Which zone has the coordinates -720041+0023206?")
    assert asked.rows[0].cells[3] == "Troll" and asked.column == 2
    latest = understand(RELEASES, "Which release is codenamed Bullseye?")  # a date column: the row answers
    assert latest.rows[0].cells[0] == "11" and latest.column is None


def test_extremes_and_counts_over_one_table():
    latest = understand(RELEASES, "Which is the latest release?")
    assert latest.kind == "extreme" and latest.rows[0].cells[1] == "Bookworm"
    earliest_eol = understand(RELEASES, "Which version has the earliest end of life?")
    assert earliest_eol.rows[0].cells[0] == "9" and RELEASES.header[earliest_eol.column] == "version"
    count = understand(RELEASES, "How many releases came out in 2019?")
    assert count.kind == "count" and [r.cells[0] for r in count.rows] == ["10"]
    assert len(understand(RELEASES, "How many releases are listed?").rows) == 4


def test_a_question_about_something_else_is_left_to_the_prose_answerer():
    assert understand(RELEASES, "Who maintains the archive keyring?") is None


# -- real tables, real store ---------------------------------------------------------------


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("tables")
    shutil.copytree(SUITE / "corpus", folder / "corpus")
    bot = Assistant(collection="releases", store=folder / "store")
    bot.index([folder / "corpus"])
    return bot, folder


@pytest.mark.slow
def test_a_lookup_answers_with_the_cell_and_cites_its_row(indexed):
    bot, _ = indexed
    answer = bot.ask("When was Debian 11 released?")
    assert answer.answerer == "table" and answer.short_answer == "2021-08-14"
    (citation,) = answer.citations
    assert (citation.source, citation.section) == ("debian.csv", "debian, row 17")
    text = bot.collection.document_text("debian.csv")
    assert text[citation.start : citation.end] == citation.quote and citation.quote.startswith("version: 11;")
    xlsx = bot.ask("What is the codename of Ubuntu 22.04?")
    assert xlsx.short_answer == "Jammy Jellyfish" and xlsx.citations[0].source == "ubuntu.xlsx"


@pytest.mark.slow
def test_an_absent_item_is_declined_not_answered_from_a_look_alike_row(indexed):
    bot, _ = indexed
    for question in ("What is the eol of Debian 20?", "When was Ubuntu 3.10 released?"):
        answer = bot.ask(question)
        assert answer.declined and not answer.citations, answer.answer


@pytest.mark.slow
def test_an_extreme_of_the_table_a_question_names_is_answered_though_prose_ranks_first(indexed):
    """The time-zone table's introduction ranks first ("first" is among its words); the question
    says the Ubuntu table's title, and its rows are among the best passages."""
    bot, _ = indexed
    passages = bot.retriever.retrieve("What was the first Ubuntu release?")
    assert passages[0].source == "zone1970.pdf"  # what makes this the prose-first path
    answer = bot.ask("What was the first Ubuntu release?")
    assert answer.answerer == "table" and answer.short_answer == "4.10 (Warty Warthog)", answer.answer
    assert answer.citations[0].source == "ubuntu.xlsx" and answer.citations[0].quote.startswith("version: 4.10;")


@pytest.mark.slow
def test_tables_follow_their_documents(indexed):
    bot, folder = indexed
    assert {t.source for t in bot.collection.extras.tables_of(["debian.csv", "ubuntu.xlsx"])} == {
        "debian.csv", "ubuntu.xlsx"}
    extra = folder / "corpus" / "ports.csv"
    extra.write_text("port,opened\nTromsø,1794\n", encoding="utf-8")
    bot.index([folder / "corpus"])
    assert bot.ask("When was the port of Tromsø opened?").short_answer == "1794"
    extra.write_text("port,opened\nTromsø,1795\n", encoding="utf-8")
    bot.index([folder / "corpus"])
    assert bot.ask("When was the port of Tromsø opened?").short_answer == "1795"
    extra.unlink()
    bot.index([folder / "corpus"])
    assert bot.collection.extras.tables_of(["ports.csv"]) == []


@pytest.mark.slow
def test_the_tables_suite_is_answered_with_rows_cited(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", str(SUITE), "--json", "--store", str(tmp_path / "store"),
         "--out", str(tmp_path / "report"), "--min", "short_containment=0.9", "--min", "declined_unanswerable=1.0",
         "--min", "quote_overlap=0.9"],
        capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert report["answerable"] >= 30 and report["unanswerable"] >= 5


class ScriptedLLM:
    name = "scripted"

    def __init__(self, reply: str):
        self.reply = reply
        self.prompts: list[str] = []

    def generate(self, prompt: str, max_tokens: int = 256):
        self.prompts.append(prompt)
        yield self.reply


def test_text_to_sql_runs_one_read_only_select_over_the_table_alone():
    from assistant.errors import SqlRefused
    from assistant.tables import sql

    result = sql.ask(ScriptedLLM("```sql\nSELECT _row, codename FROM t WHERE release BETWEEN '2018' AND '2022';\n```"),
                     RELEASES, "Which releases came out between 2018 and 2022?")
    assert [r[1] for r in result.rows] == ["Buster", "Bullseye"] and result.cited == (3, 4)
    for reply in ("DROP TABLE t", "SELECT 1; DELETE FROM t", "ATTACH DATABASE '/tmp/x' AS x",
                  "SELECT * FROM sqlite_master", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n) "
                  "SELECT count(*) FROM n", "SELECT load_extension('x')"):
        with pytest.raises(SqlRefused):
            sql.ask(ScriptedLLM(reply), RELEASES, "anything")


@pytest.mark.slow
def test_with_an_llm_a_question_the_rules_miss_is_answered_by_sql_shown_and_cited(indexed):
    from assistant.tables import TableAnswerer

    bot, _ = indexed
    question = "Which Debian releases came out after 2009 and before 2016?"  # the rules compare no years
    passages = bot.pipeline.retrieve(bot.pipeline.condense(question))["passages"]
    llm = ScriptedLLM("SELECT _row, codename FROM t WHERE release >= '2010' AND release < '2016'")
    answer = TableAnswerer(bot.collection.extras, llm=llm).answer(question, passages)
    assert answer.short_answer == "Squeeze, Wheezy, Jessie" and "SQL: SELECT _row, codename" in answer.answer
    assert [c.section for c in answer.citations] == ["debian, row 12", "debian, row 13", "debian, row 14"]
    assert "<question>\nWhich Debian releases" in llm.prompts[0]
    refused = TableAnswerer(bot.collection.extras, llm=ScriptedLLM("DELETE FROM t")).answer(question, passages)
    assert refused.declined and "SQL" not in refused.answer  # a refused statement answers nothing


@pytest.mark.suite
@pytest.mark.skipif(not shutil.which("tesseract"), reason="Tesseract is not installed: "
                    "sudo apt-get install tesseract-ocr")
def test_the_scanned_manual_suite_is_answered_from_ocr(tmp_path):
    """A packaged PDF manual as page images: a scanned PDF, a PNG, a TIFF (measured: 20 of 23
    answerable right in the short answer, all 3 unanswerable declined)."""
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", str(ROOT / "evals" / "scans"), "--json", "--store",
         str(tmp_path / "store"), "--out", str(tmp_path / "report"), "--min", "short_containment=0.75",
         "--min", "declined_unanswerable=1.0"],
        capture_output=True, text=True, timeout=900,
    )
    assert out.returncode == 0, out.stderr[-2000:]


def test_a_count_or_extreme_that_names_nothing_of_the_table_is_not_its_to_answer():
    assert understand(RELEASES, "How many replacement filters come in a pack?") is None
    assert understand(RELEASES, "What is the largest pump model?") is None
    assert understand(RELEASES, "How many releases are there?").kind == "count"


@pytest.mark.slow
def test_a_table_inside_a_word_document_is_answered_from_its_row(tmp_path):
    import docx

    from assistant import Assistant

    report = docx.Document()
    report.add_heading("Harbour berths", level=1)
    report.add_paragraph("Every ship is assigned a berth by the harbour master before it arrives.")
    grid = report.add_table(rows=4, cols=3)
    rows = (("berth", "length", "depth"), ("North Quay", "240 m", "12 m"), ("South Quay", "180 m", "9 m"),
            ("Ferry Pier", "95 m", "6 m"))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            grid.cell(r, c).text = value
    report.add_paragraph("Pilots board at the outer buoy.")
    (tmp_path / "docs").mkdir()
    report.save(tmp_path / "docs" / "harbour.docx")
    bot = Assistant(collection="harbour", store=tmp_path / "store")
    bot.index([tmp_path / "docs"])
    answer = bot.ask("What is the depth of the South Quay berth?")
    assert answer.answerer == "table" and answer.short_answer == "9 m"
    assert answer.citations[0].section == "Harbour berths, row 3"


@pytest.mark.slow
def test_a_ruled_table_in_a_pdf_is_answered_from_its_row_on_its_page(tmp_path):
    from assistant import Assistant

    (tmp_path / "docs").mkdir()
    formats.write_table_pdf(tmp_path / "docs" / "fares.pdf")
    bot = Assistant(collection="fares", store=tmp_path / "store")
    bot.index([tmp_path / "docs"])
    answer = bot.ask("What is the child price of a day pass?")
    assert answer.answerer == "table" and answer.short_answer == "4.75", answer.answer
    assert answer.citations[0].section == "fares: table 1, row 3" and answer.citations[0].page == 1
    from assistant.viewer import view

    shown = view(bot.collection, "fares.pdf", answer.citations[0].start, answer.citations[0].end)
    assert shown.media_type == "image/png" and shown.headers["X-Page"] == "1"
    assert len(json.loads(shown.headers["X-Highlight"])) == 1  # the row's cells, painted on one line


@pytest.mark.slow
def test_a_lookup_or_count_spelled_out_is_answered_from_the_table_though_prose_ranks_first(tmp_path):
    from assistant import Assistant

    bot = Assistant(collection="codes", store=tmp_path / "store")
    bot.index([SUITE / "corpus" / "iso3166.pdf"])
    answer = bot.ask("What is Japan's ISO 3166 code?")  # the sentence above the table says "ISO 3166" too
    assert answer.answerer == "table" and answer.short_answer == "JP", answer.answer
    assert bot.ask("What do the names in the ISO 3166 list follow?").answerer != "table"  # no row, no column named
    count = bot.ask("How many country codes are listed?")  # the sentence that introduces the table ranks first
    assert count.answerer == "table" and count.short_answer == "249", count.answer


VISITS = table("parks", ("region", "visitors (thousands)", "year"),
               ("North", "120", "2020"), ("South", "80", "2020"), ("North", "130", "2021"), ("South", "95.5", "2021"),
               ("Total", "425.5", ""))


def test_a_total_or_an_average_is_taken_over_the_rows_named_without_the_row_that_sums_them():
    total = understand(VISITS, "How many visitors were there in total in 2020?")
    assert total.kind == "total" and VISITS.header[total.column] == "visitors (thousands)"
    assert [r.cells[0] for r in total.rows] == ["North", "South"]
    average = understand(VISITS, "What is the mean of visitors for North?")
    assert average.kind == "average" and [r.cells[1] for r in average.rows] == ["120", "130"]
    whole = understand(VISITS, "What is the total number of visitors?")  # the table's own total answers
    assert whole.kind == "lookup" and whole.rows[0].cells[0] == "Total"
    assert understand(STOCK, "What is the total quantity in stock?").kind == "total"
    assert understand(VISITS, "What is the total in the year 2021?").kind != "total"  # years are not summed
    no_count = understand(RELEASES, "What is the average number of days between releases?")
    assert no_count is None or no_count.kind != "count"  # was answered "4 rows"


def test_a_total_or_an_average_is_written_as_its_cells_are():
    from assistant.tables.written import summed

    assert summed(["120", "80"], average=False) == "200"
    assert summed(["130", "95.5"], average=True) == "112.75"
    assert summed(["1,200", "800"], average=False) == "2,000"
    assert summed(["2", "7", "2"], average=True) == "3.67"
    assert summed(["0.25", "0.5"], average=False) == "0.75"


@pytest.mark.slow
def test_a_total_and_an_average_are_answered_from_the_table_with_rows_cited(tmp_path):
    from assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "parks.csv").write_text("region,visitors (thousands),year\nNorth,120,2020\nSouth,80,2020\n"
                                      "North,130,2021\nSouth,95.5,2021\nTotal,425.5,\n", encoding="utf-8")
    (corpus / "about.md").write_text("# Parks\n\nThe parks service counts visitors each year in both regions.\n")
    bot = Assistant(collection="parks", store=tmp_path / "store")
    bot.index([corpus])
    total = bot.ask("How many visitors were there in total in 2020?")
    assert total.answerer == "table" and total.short_answer == "200 thousands", total.answer
    assert [c.quote for c in total.citations] == ["region: North; visitors (thousands): 120; year: 2020.",
                                                  "region: South; visitors (thousands): 80; year: 2020."]
    average = bot.ask("What was the average number of visitors in 2021?")
    assert average.short_answer == "112.75 thousands" and len(average.citations) == 2, average.answer


def test_which_rows_hold_the_values_a_question_names_are_listed():
    came_out = understand(RELEASES, "Which releases came out between 2017 and 2021?")  # a range of years
    assert came_out.kind == "list" and [r.cells[0] for r in came_out.rows] == ["9", "10", "11"]
    assert came_out.column is None  # the rows answer, by their labels
    ended = understand(RELEASES, "List the releases whose end of life was in 2024.")  # the year of the named column
    assert [r.cells[1] for r in ended.rows] == ["Bullseye"]
    zones = understand(ZONES, "Which time zones are in Argentina?")  # a word of the title, and of a name's parts
    assert zones.kind == "list" and zones.column == 2 and len(zones.rows) == 2
    assert understand(RELEASES, "Which releases came out in 2030?").rows == ()  # nothing holds it: no list


def test_a_name_or_a_year_no_row_holds_is_not_dropped_to_list_or_count_other_rows():
    """"Chatham Islands" is not the row of "Whitsunday Islands"; no release came out in 2030."""
    assert understand(ZONES, "Which time zone covers the Chatham Islands?").rows == ()
    assert understand(ZONES, "Which time zones are in Argentina?").kind == "list"
    # a year compared ("after 2018") is no year to match: left to an LLM's SQL, or declined
    assert understand(RELEASES, "Which releases came out after 2018?").kind != "list"
    assert understand(RELEASES, "How many releases came out in 2030?").kind != "count"  # was "4 rows"
    assert len(understand(RELEASES, "How many releases came out in 2019?").rows) == 1


@pytest.mark.slow
def test_which_rows_came_out_in_a_year_are_answered_with_every_row_cited(indexed):
    bot, _ = indexed
    answer = bot.ask("Which Ubuntu releases came out in 2020?")  # was declined: "No row … matches it"
    assert answer.answerer == "table" and not answer.declined, answer.answer
    assert answer.short_answer == "20.04 LTS (Focal Fossa), 20.10 (Groovy Gorilla)"
    assert [c.quote.split(";")[0] for c in answer.citations] == ["version: 20.04 LTS", "version: 20.10"]
