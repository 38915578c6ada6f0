"""The app in a real browser: Playwright driving Debian's Chromium, headless.

Screenshots go to test-artifacts/ for a person to look at.
"""

import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, free_port, spawn, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed; enable these tests with: sudo apt-get install chromium (make test does it where it can)")
    port = free_port()
    store = tmp_path_factory.mktemp("browser-store")
    process = spawn([sys.executable, str(ROOT / "app.py"), "--store", str(store), "--port", str(port)],
                    store.parent / "browser-app.log")
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}/"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(app_url)
        page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


def ask(page, question: str, expect: str):
    page.locator("button[role=tab]", has_text="Chat").click()
    box = page.locator("#question textarea")
    box.fill(question)
    page.locator("#ask").click()
    page.locator("#chat").get_by_text(expect, exact=False).last.wait_for(timeout=60_000)
    page.wait_for_timeout(500)


def test_ask_shows_a_streamed_answer_with_its_cited_source(page):
    ask(page, "How much does a single ride cost?", "2.50 dollars")
    assert "[1]" in page.locator("#chat").inner_text()
    page.locator("#sources mark").first.wait_for(timeout=30_000)
    assert "2.50 dollars" in page.locator("#sources mark").first.inner_text()
    assert "pricing.html" in page.locator("#sources").inner_text()
    page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)


def test_off_topic_question_is_declined(page):
    ask(page, "What is the tallest building in Tokyo?", "documents don't say")
    assert "No passage in the documents answers" in page.locator("#sources").inner_text()
    page.screenshot(path=str(ARTIFACTS / "declined.png"), full_page=True)


def upload(page, path: Path):
    page.locator("button[role=tab]", has_text="Documents").click()
    page.locator("#upload input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(1500)
    page.locator("#add").click()
    page.locator("#added").get_by_text("added", exact=False).wait_for(timeout=120_000)


def test_uploaded_document_is_indexed_and_cited(page, tmp_path):
    document = tmp_path / "ferry-timetable.md"
    document.write_text("# Ferry timetable\n\nThe Riverton ferry to Gull Island leaves at 7:45 every weekday morning.\n")
    upload(page, document)
    page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)
    ask(page, "When does the ferry to Gull Island leave?", "7:45")
    assert "ferry-timetable.md" in page.locator("#sources").inner_text()


def test_document_html_is_shown_as_text_and_never_runs(page, tmp_path):
    document = tmp_path / "injected.txt"
    document.write_text("The harbour bell rings at noon <script>alert(1)</script> <b>bold claim</b> every Sunday.\n")
    upload(page, document)
    ask(page, "When does the harbour bell ring?", "noon")  # only in the answer, not in the question
    page.wait_for_timeout(1000)
    assert page.dialogs == []
    assert "<script>alert(1)</script>" in page.locator("#sources").inner_text()
    page.screenshot(path=str(ARTIFACTS / "escaped.png"), full_page=True)


def test_a_follow_up_refers_to_a_person_named_only_in_the_previous_answer(page, tmp_path):
    from test_dialogue_surfaces import CLUB

    document = tmp_path / "harbour.md"
    document.write_text(CLUB)
    upload(page, document)
    page.locator("button[role=tab]", has_text="Chat").click()
    page.locator("#new-conversation").click()
    page.wait_for_timeout(500)
    ask(page, "What is the Harbour Rowing Club?", "amateur rowing club")
    ask(page, "Who founded it?", "Margaret Ellison")
    ask(page, "When did she die?", "When did Margaret Ellison die?")  # the rewrite is shown under the answer
    assert "1967" in page.locator("#chat").inner_text().split("When did she die?")[-1]
    page.screenshot(path=str(ARTIFACTS / "follow-up-from-answer.png"), full_page=True)


def test_a_citation_opens_in_the_viewer_pane(page):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ask(page, "How much does a single ride cost?", "2.50 dollars")
    page.locator("#sources").get_by_text("pricing.html", exact=False).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # the picker is refreshed after the answer
    for _ in range(2):  # a loaded machine may refresh it after the first pick
        page.locator("#viewer-pick input").click()
        page.get_by_role("option", name="[1] pricing.html").first.click()
        try:
            page.locator("#viewer-text mark#quote").wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    assert "2.50 dollars" in page.locator("#viewer-text mark#quote").inner_text()
    page.screenshot(path=str(ARTIFACTS / "viewer-single-user.png"), full_page=True)
