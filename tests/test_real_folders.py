"""A folder as people keep them (every format, images, stylesheets, a Makefile),
through the real CLI: what is indexed, skipped and failed, answers cited with
their slide, sheet, page or heading, and the errors that guide a user."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from helpers import formats
from index.loaders import ocr

pytestmark = pytest.mark.slow


def run(*args, store, check=True):
    result = subprocess.run([sys.executable, "-m", "assistant.cli", *args, "--store", str(store)],
                            capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return formats.write_all(tmp_path_factory.mktemp("real") / "office")


@pytest.fixture(scope="module")
def indexed(folder, tmp_path_factory):
    store = tmp_path_factory.mktemp("store")
    result = run("index", str(folder), "--collection", "office", "--json", "--progress", store=store)
    return store, json.loads(result.stdout), result.stderr


def test_files_of_other_types_are_skipped_not_failed(indexed):
    _, report, _ = indexed
    expected_failed = [] if ocr.available() else ["scan.pdf"]
    assert [f["path"].rsplit("/", 1)[-1] for f in report["files"]["failed"]] == expected_failed
    assert report["files"]["skipped"] == {"(none)": 1, ".css": 1, ".gz": 1, ".png": 2}  # changelog.gz: text of no type
    assert report["files"]["added"] == 9 - len(expected_failed)


def test_progress_goes_to_stderr_when_asked_for(indexed):
    _, _, stderr = indexed
    assert "indexing" in stderr


def test_skipped_files_are_summarised_in_one_line(folder, tmp_path):
    result = run("index", str(folder), "--collection", "again", store=tmp_path)
    assert "skipped 5 files of types not read (.png 2, (none) 1, .gz 1, .css 1)" in result.stderr
    assert "failed" not in result.stderr or not ocr.available()


@pytest.mark.parametrize(
    ("question", "answer", "source", "page", "section"),
    [
        ("How quickly does the warehouse in Tromsø ship orders?", "two days", "review.pptx", 2, "Slide 2: Shipping"),
        ("How much does the season ticket cost?", "480 kroner", "tariffs.xlsx", None, "tariffs: Prices, row 3"),
        ("When does the Evening Gull ferry depart?", "19:40", "ferries.csv", None, "ferries, row 3"),
        ("Which pier does the Evening Gull leave from?", "Pier 9", "ferries.csv", None, "ferries, row 3"),
        ("When was the Fresnel lens at Hanstholm installed?", "1843", "lighthouses.epub", None, "Lenses"),
        ("When does the glasshouse close?", "four in the afternoon", "garden.odt", None, "Opening hours"),
        ("How often should the filter be rinsed?", "every month", None, None, None),
        ("What colour was the observatory dome painted?", "green", "scan.pdf", 1, None),
        ("What does version 4 of the booking system add?", "refunds by text message", "release-notes.txt.gz", None,
         None),
    ],
)
def test_answers_cite_the_slide_sheet_page_or_heading(indexed, question, answer, source, page, section):
    if source == "scan.pdf" and not ocr.available():
        pytest.skip("Tesseract is not installed: sudo apt-get install tesseract-ocr")
    store, _, _ = indexed
    result = json.loads(run("ask", question, "--collection", "office", "--json", store=store).stdout)
    assert not result["declined"], result
    assert answer in result["answer"]
    cited = result["citations"][0]
    if source is not None:
        assert (cited["source"], cited["page"], cited["section"]) == (source, page, section)
    assert cited.get("ocr", False) == (source == "scan.pdf")  # a quote read from a page image says so


def test_terminal_citations_show_where_and_what(indexed):
    store, _, _ = indexed
    out = run("ask", "How much does the season ticket cost?", "--collection", "office", store=store).stdout
    assert "[1] tariffs.xlsx — tariffs: Prices, row 3" in out
    assert "“Plan: Season ticket; Price: 480 kroner" in out


def test_collections_lists_names_with_counts(indexed):
    store, report, _ = indexed
    listed = json.loads(run("collections", "--json", store=store).stdout)
    office = next(c for c in listed if c["name"] == "office")
    assert office["documents"] == report["files"]["added"] and office["chunks"] == report["chunks"]["total"]


@pytest.mark.parametrize("command", [["ask", "Who runs the ferry?"], ["documents"], ["chat"],
                                     ["eval", str(ROOT / "evals" / "sample")]])
def test_unknown_collection_exits_2_naming_the_existing_ones_and_creates_nothing(indexed, command):
    store, _, _ = indexed
    before = run("collections", "--json", store=store).stdout
    result = run(*command, "--collection", "nosuchcollection", store=store, check=False)
    assert result.returncode == 2
    assert "nosuchcollection" in result.stderr and "office" in result.stderr
    assert run("collections", "--json", store=store).stdout == before
    assert not list(store.rglob("nosuchcollection*"))


def test_unknown_collection_in_a_fresh_store_creates_no_store(tmp_path):
    result = run("ask", "Anything?", "--collection", "missing", store=tmp_path / "new", check=False)
    assert result.returncode == 2 and "there are no collections yet" in result.stderr
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_is_an_error(indexed, question):
    store, _, _ = indexed
    result = run("ask", question, "--collection", "office", store=store, check=False)
    assert result.returncode == 2 and "question is empty" in result.stderr
