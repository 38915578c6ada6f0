"""The minimal app: escaping of document text and a served page."""

import sys
import time
import urllib.request

import pytest

from assistant.types import Answer, Citation, Passage
from conftest import ROOT, free_port, run_concurrently, spawn, wait_for_port


def test_sources_panel_escapes_document_html_and_highlights_the_quote():
    from assistant.ui.render import sources_html

    text = "Intro <script>alert(1)</script> and the quoted part here."
    start = text.index("the quoted")
    passage = Passage(id="x", source="evil<b>.html", page=None, start=0, end=len(text), text=text)
    citation = Citation(n=1, source="evil<b>.html", page=None, start=start, end=len(text), quote=text[start:])
    rendered = sources_html(Answer(question="q", rewritten_question="q", answer="a [1]", declined=False,
                                   citations=[citation], passages=[passage]))
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "<mark>the quoted part here.</mark>" in rendered and "evil&lt;b&gt;.html" in rendered


def test_sources_panel_puts_the_short_answer_in_bold_inside_the_quote():
    from assistant.ui.render import sources_html

    text = "A single ride costs 2.50 <dollars> and includes 30 minutes."
    passage = Passage(id="x", source="pricing.html", page=None, start=0, end=len(text), text=text)
    citation = Citation(n=1, source="pricing.html", page=None, start=0, end=len(text), quote=text)
    rendered = sources_html(Answer(question="q", rewritten_question="q", answer="2.50 <dollars> [1]", declined=False,
                                   short_answer="2.50 <dollars>", citations=[citation], passages=[passage]))
    assert "<mark>A single ride costs <b>2.50 &lt;dollars&gt;</b> and includes 30 minutes.</mark>" in rendered


def test_sources_panel_shows_whole_sentences_around_the_quote_and_the_section():
    from assistant.ui.render import sources_html

    filler = "Riders pay at the dock with a card or the app, and every dock takes both kinds of payment. " * 4
    text = filler + "Annual plans and prices differ by zone. A single ride costs 2.50 dollars. It includes 30 minutes. " \
        + "Extra time is billed per minute, at a rate that the operator reviews every spring. " * 4
    start, end = text.index("A single"), text.index(" It includes")
    passage = Passage(id="x", source="pricing.html", page=None, start=0, end=len(text), text=text,
                      sections=((0, "Prices"),))
    citation = Citation(n=1, source="pricing.html", page=None, section="Prices", start=start, end=end,
                        quote=text[start:end])
    rendered = sources_html(Answer(question="q", rewritten_question="q", answer="a [1]", declined=False,
                                   citations=[citation], passages=[passage]))
    assert "[1] pricing.html — Prices" in rendered
    assert "<p>Annual plans and prices differ by zone. <mark>A single ride costs 2.50 dollars.</mark> " \
           "It includes 30 minutes.</p>" in rendered


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    port = free_port()
    began = time.perf_counter()
    process = spawn(
        [sys.executable, str(ROOT / "app.py"), "--store", str(tmp_path_factory.mktemp("app-store")), "--port", str(port)],
        tmp_path_factory.mktemp("app-log") / "app.log",
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for_port(port, process)
    page = urllib.request.urlopen(url, timeout=30).read().decode()
    print(f"app served its first page {time.perf_counter() - began:.1f} s after start (indexing the sample corpus)")
    yield url, page
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.integration
def test_app_serves_a_page_and_its_api_returns_answers_as_data(served_app):
    url, page = served_app
    assert "gradio" in page.lower()
    from gradio_client import Client

    client = Client(url, verbose=False)
    answer = client.predict("How much does a single ride cost?", api_name="/ask")
    assert "2.50 dollars" in answer["answer"] and not answer["declined"]
    assert answer["citations"][0]["source"] == "pricing.html" and "2.50 dollars" in answer["citations"][0]["quote"]
    follow_up = client.predict("Who does she report to?", ["Who is the program manager?"], api_name="/ask")
    assert follow_up["rewritten_question"] != "Who does she report to?"


@pytest.mark.slow
@pytest.mark.integration
def test_twenty_simultaneous_http_requests_are_all_answered_correctly(served_app):
    from gradio_client import Client

    url, _ = served_app
    cases = {"How much does a single ride cost?": "2.50 dollars", "Which station was the busiest?": "Union Square",
             "How old must riders be?": "16", "What is the tallest building in Tokyo?": None}
    questions = list(cases) * 5
    results, errors = run_concurrently(lambda q: Client(url, verbose=False).predict(q, api_name="/ask"), questions)
    assert not errors and len(results) == 20
    for i, question in enumerate(questions):
        expected = cases[question]
        assert results[i]["question"] == question
        assert results[i]["declined"] if expected is None else expected in results[i]["answer"]


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
    assert store_upload(source, "FAQ.txt.GZ", folder).name == "FAQ.txt.gz"  # a compressed document of a known type
    with pytest.raises(UploadError, match=r"backup\.tar\.gz: files of type \.tar are not accepted"):
        store_upload(source, "backup.tar.gz", folder)
    with pytest.raises(UploadError, match="over the"):
        store_upload(source, "big.txt", folder, max_bytes=2)


def test_section_titles_with_markup_are_text_and_markdown_images_do_not_load():
    from assistant.ui.render import answer_markdown, sources_html

    text = "The kayak rents for 35 euros a day."
    passage = Passage(id="x", source="rentals.xlsx", page=None, start=0, end=len(text), text=text)
    citation = Citation(n=1, source="rentals.xlsx", page=None, section="Sheet <img src=x onerror=alert(1)>", start=0,
                        end=len(text), quote=text)
    answer = Answer(question="q", rewritten_question="q", declined=False, citations=[citation], passages=[passage],
                    answer="![x](https://tracker.example/pixel.png) 35 euros [1] as [2] says")
    rendered = sources_html(answer)
    assert "<img" not in rendered and "Sheet &lt;img src=x onerror=alert(1)&gt;" in rendered
    chat = answer_markdown(answer)
    assert "![" not in chat and "](https" not in chat, "no Markdown image or link survives"
    assert "[[1]](#source-1)" in chat and "#source-2" not in chat, "only real citations become links"


def test_the_single_user_app_has_no_llm_address_a_visitor_can_set(tmp_path):
    from assistant.ui.app import Assistants, build_app

    demo = build_app(Assistants(str(tmp_path)), "default", tmp_path / "uploads")
    labels = [c.get("props", {}).get("label") or "" for c in demo.get_config_file()["components"]]
    assert "Model name" in labels and not any("URL" in label for label in labels)
