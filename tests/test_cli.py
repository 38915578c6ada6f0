"""The CLI's JSON contracts, through a real subprocess, real model and embedded Chroma."""

import json
import subprocess
import sys

import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.slow


def run(*args, store, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args, "--store", str(store)],
        capture_output=True, text=True, timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli-store")
    run("index", str(SAMPLE / "corpus"), "--collection", "bikes", "--json", store=store)
    return store


def test_index_json_contract_and_second_run_embeds_nothing(store):
    result = run("index", str(SAMPLE / "corpus"), "--collection", "bikes", "--json", store=store)
    report = json.loads(result.stdout)
    assert report == {
        "collection": "bikes",
        "files": {"added": 0, "updated": 0, "unchanged": 5, "removed": 0, "failed": [], "skipped": {}},
        "chunks": {"embedded": 0, "deleted": 0, "total": report["chunks"]["total"]},
    }
    assert report["chunks"]["total"] >= 5


def test_ask_json_contract_with_verbatim_quotes(store):
    result = run("ask", "How much does a single ride cost?", "--collection", "bikes", "--json", store=store)
    answer = json.loads(result.stdout)
    assert not answer["declined"] and "2.50 dollars" in answer["answer"]
    assert {f"[{c['n']}]" for c in answer["citations"]} <= set(__import__("re").findall(r"\[\d+\]", answer["answer"]))
    for citation in answer["citations"]:
        assert set(citation) >= {"n", "source", "page", "start", "end", "quote"}
        text = (SAMPLE / "corpus" / citation["source"]).read_text()
        assert "<" not in citation["quote"] and citation["source"] == "pricing.html"
    from index.loaders import load_file

    document = load_file(SAMPLE / "corpus" / "pricing.html", "pricing.html")[0]
    c = answer["citations"][0]
    assert document.text[c["start"] : c["end"]] == c["quote"]
    assert text  # the file was read


def test_ask_cites_pdf_pages(store):
    answer = json.loads(run("ask", "At what speed do electric-assist bikes stop assisting?", "--collection", "bikes",
                            "--json", store=store).stdout)
    assert answer["citations"][0]["source"] == "safety-guide.pdf" and answer["citations"][0]["page"] == 2


def test_ask_declines_off_topic_questions_without_citations(store):
    answer = json.loads(run("ask", "What was the average rainfall in Lisbon last year?", "--collection", "bikes",
                            "--json", store=store).stdout)
    assert answer["declined"] and answer["citations"] == [] and answer["answer"].startswith("The documents don't say")


def test_follow_up_shows_the_rewritten_question(store):
    answer = json.loads(run("ask", "Who does she report to?", "--history", "Who is the program manager?",
                            "--collection", "bikes", "--json", store=store).stdout)
    assert answer["rewritten_question"] != "Who does she report to?"
    assert "infrastructure committee" in answer["answer"]


def test_index_exits_non_zero_only_when_nothing_could_be_done(tmp_path, store):
    missing = run("index", str(tmp_path / "nope"), "--json", store=tmp_path / "s", check=False)
    assert missing.returncode != 0
    assert "no such file" in json.loads(missing.stdout)["files"]["failed"][0]["error"]
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "good.txt").write_text("Good text about kites.")
    (tmp_path / "mixed" / "bad.txt").write_bytes(b"\x00\x01binary")
    mixed = run("index", str(tmp_path / "mixed"), "--json", store=tmp_path / "s", check=False)
    assert mixed.returncode == 0
    report = json.loads(mixed.stdout)
    assert report["files"]["added"] == 1 and report["files"]["failed"][0]["path"].endswith("bad.txt")


def test_asking_an_unknown_setting_gives_a_clear_error(tmp_path):
    result = run("ask", "x", "--llm", "nonsense", store=tmp_path, check=False)
    assert result.returncode != 0 and "unknown answerer 'nonsense'" in result.stderr
