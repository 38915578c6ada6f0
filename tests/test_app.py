"""The minimal app: escaping of document text and a served page."""

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from assistant.types import Answer, Citation, Passage
from conftest import ROOT


def test_sources_panel_escapes_document_html_and_highlights_the_quote():
    from app import sources_html

    text = "Intro <script>alert(1)</script> and the quoted part here."
    start = text.index("the quoted")
    passage = Passage(id="x", source="evil<b>.html", page=None, start=0, end=len(text), text=text)
    citation = Citation(n=1, source="evil<b>.html", page=None, start=start, end=len(text), quote=text[start:])
    rendered = sources_html(Answer(question="q", rewritten_question="q", answer="a [1]", declined=False,
                                   citations=[citation], passages=[passage]))
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "<mark>the quoted part here.</mark>" in rendered and "evil&lt;b&gt;.html" in rendered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.integration
def test_app_serves_a_page_over_the_sample_corpus(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--store", str(tmp_path / "store"), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.time() + 240
        while time.time() < deadline:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(1)
        else:
            pytest.fail("the app did not serve a page within 240 s")
        assert "gradio" in page.lower()
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        answer = client.predict("How much does a single ride cost?", api_name="/ask")
        assert "2.50 dollars" in answer["answer"] and not answer["declined"]
        assert answer["citations"][0]["source"] == "pricing.html" and "2.50 dollars" in answer["citations"][0]["quote"]
        follow_up = client.predict("Who does she report to?", ["Who is the program manager?"], api_name="/ask")
        assert follow_up["rewritten_question"] != "Who does she report to?"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_upload_names_are_sanitised_and_limits_enforced(tmp_path):
    from assistant.uploads import UploadError, safe_name, store_upload

    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("C:\\Users\\x\\report.PDF") == "report.pdf"
    assert safe_name("/abs/path/..hidden.md") == "hidden.md"
    assert safe_name("weird <name>|*.md") == "weird _name_.md"
    source = tmp_path / "in.txt"
    source.write_text("hello")
    folder = tmp_path / "uploads"
    assert store_upload(source, "../../escape.txt", folder) == (folder / "escape.txt").resolve()
    assert not (tmp_path.parent / "escape.txt").exists()
    with pytest.raises(UploadError, match="not accepted"):
        store_upload(source, "run.exe", folder)
    with pytest.raises(UploadError, match="over the"):
        store_upload(source, "big.txt", folder, max_bytes=2)
