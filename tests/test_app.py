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
        chat, _history, sources, _box = client.predict("How much does a single ride cost?", [], [], api_name="/ask")
        assert "2.50 dollars" in str(chat) and "pricing.html" in sources
    finally:
        process.terminate()
        process.wait(timeout=30)
