"""Client-server mode against a real `chroma run` on localhost: index, ask and eval."""

import json
import subprocess
import sys

import pytest

from conftest import SAMPLE

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def cli(*args, port, store):
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args, "--chroma-host", "localhost", "--chroma-port", str(port),
         "--store", str(store)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_index_ask_and_eval_against_a_chroma_server(chroma_server, tmp_path):
    report = json.loads(cli("index", str(SAMPLE / "corpus"), "--collection", "bikes", "--json", port=chroma_server, store=tmp_path / "a"))
    assert report["files"]["added"] == 5 and report["chunks"]["total"] > 0
    answer = json.loads(cli("ask", "Which station was the busiest?", "--collection", "bikes", "--json",
                            port=chroma_server, store=tmp_path / "a"))
    assert "Union Square" in answer["answer"] and answer["citations"][0]["source"] == "annual-report-2023.docx"

    # another client with no local catalog reads the same server collection
    other = json.loads(cli("ask", "Which station was the busiest?", "--collection", "bikes", "--json",
                           port=chroma_server, store=tmp_path / "b"))
    assert "Union Square" in other["answer"]

    metrics = json.loads(cli("eval", str(SAMPLE), "--json", "--out", str(tmp_path / "report"),
                             port=chroma_server, store=tmp_path / "a"))
    assert metrics["recall@5"] >= 0.9
