"""The team app in a real browser (Playwright, Debian's Chromium): log in, make a
collection, upload, ask, reload, reopen the conversation with its sources, rate
the answer, and find the rating in the exported regression suite; another user
sees none of it, in the page or through the Gradio API."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, free_port, wait_for_port
from test_browser import ARTIFACTS, CHROMIUM

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def team_url(tmp_path_factory):
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed: sudo apt-get install chromium")
    store = tmp_path_factory.mktemp("team-browser")
    for name in ("amy", "ben"):
        subprocess.run([sys.executable, "-m", "assistant.cli", "users", "--store", str(store), "add", name,
                        "--password-stdin"], input=f"{name}-password\n", text=True, check=True, capture_output=True)
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "team-server.log").open("w")  # what the server said, when a browser test fails
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--store", str(store), "--port",
                                str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}/", store
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:  # a browser may still hold a connection open
        process.kill()
        process.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        yield playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"])


def log_in(browser, url, name):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.get_by_label("username").fill(name)
    page.get_by_label("password").fill(f"{name}-password")
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=30_000)
    return page


def choose(page, elem_id, option):
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option).first.click()
    page.wait_for_timeout(500)


def test_log_in_upload_ask_reload_reopen_and_rate(team_url, browser, tmp_path):
    url, store = team_url
    page = log_in(browser, url, "amy")
    page.locator("button[role=tab]", has_text="Documents").click()
    page.locator("#new-collection textarea").fill("amy-notes")
    page.locator("#create-collection").click()
    page.locator("#docs-status").get_by_text("created", exact=False).wait_for(timeout=30_000)
    document = tmp_path / "lighthouse.txt"
    document.write_text("The Skagen lighthouse was painted white in 1858 and is 46 metres tall.\n")
    page.locator("#upload input[type=file]").set_input_files(str(document))
    page.wait_for_timeout(1500)
    page.locator("#add").click()
    page.locator("#docs-status").get_by_text("added", exact=False).wait_for(timeout=120_000)
    page.locator("button[role=tab]", has_text="Chat").click()
    page.locator("#question textarea").fill("How tall is the Skagen lighthouse?")
    page.locator("#ask").click()
    page.locator("#chat").get_by_text("46 metres", exact=False).last.wait_for(timeout=60_000)
    page.locator("#sources mark").first.wait_for(timeout=30_000)
    first_sources = (page.locator("#sources").inner_text(), page.locator("#sources mark").first.inner_text())
    answer_text = page.locator("#chat").inner_text()

    page.reload()
    page.wait_for_selector("#question textarea", timeout=60_000)
    assert "46 metres" not in page.locator("#chat").inner_text()
    choose(page, "conversations", "How tall is the Skagen lighthouse?")
    page.locator("#chat").get_by_text("46 metres", exact=False).last.wait_for(timeout=30_000)
    page.locator("#sources mark").first.wait_for(timeout=30_000)
    assert (page.locator("#sources").inner_text(), page.locator("#sources mark").first.inner_text()) == first_sources
    assert page.locator("#chat").inner_text() == answer_text
    page.locator("#thumbs-up").click()
    page.locator("#notice").get_by_text("feedback saved", exact=False).wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "team-reopened.png"), full_page=True)

    suite = tmp_path / "suite"
    exported = subprocess.run([sys.executable, "-m", "assistant.cli", "eval", "--from-feedback", "amy-notes",
                               "--store", str(store), "--export", str(suite)], capture_output=True, text=True,
                              timeout=300)
    assert exported.returncode == 0, exported.stderr
    [question] = [json.loads(line) for line in (suite / "questions.jsonl").read_text().splitlines()]
    assert question["question"] == "How tall is the Skagen lighthouse?" and question["sources"] == ["lighthouse.txt"]


def test_another_user_sees_none_of_it(team_url, browser):
    from gradio_client import Client

    url, _ = team_url
    page = log_in(browser, url, "ben")
    page.locator("#chat-collection input").click()
    page.wait_for_timeout(500)
    assert page.get_by_role("option", name="amy-notes").count() == 0
    page.keyboard.press("Escape")
    page.locator("#conversations input").click()
    page.wait_for_timeout(500)
    assert page.get_by_role("option").filter(has_text="Skagen").count() == 0
    client = Client(url, auth=("ben", "ben-password"), verbose=False)
    with pytest.raises(Exception, match="amy-notes"):
        client.predict("How tall is the Skagen lighthouse?", [], "amy-notes", api_name="/ask")


def test_markup_in_headings_and_sheet_names_is_shown_as_text_and_never_runs(team_url, browser, tmp_path):
    import openpyxl

    from helpers.api_client import call

    url, store = team_url
    token = subprocess.run([sys.executable, "-m", "assistant.cli", "users", "--store", str(store), "token", "amy"],
                           capture_output=True, text=True, check=True).stdout.strip()
    api = url.rstrip("/")
    assert call(f"{api}/v1/collections", "POST", token, {"name": "amy-traps"})[0] == 201
    trap = ("<html><body><h1>Ferries</h1><h2>&lt;img src=x onerror=\"window.__pwned=1\"&gt; Timetable</h2>"
            "<p>The night ferry to Tallinn leaves at 23:45 from pier 4.</p></body></html>")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "<img src=x onerror=alert(1)>"
    for row in (("Boat", "Daily rent"), ("Kayak", "35 euros"), ("Canoe", "48 euros")):
        sheet.append(row)
    workbook.save(tmp_path / "rentals.xlsx")
    status, report = call(f"{api}/v1/collections/amy-traps/documents", "POST", token,
                          files=[("trap.html", trap), ("rentals.xlsx", (tmp_path / "rentals.xlsx").read_bytes())])
    assert status == 200 and report["files"]["added"] == 2, report

    page = log_in(browser, url, "amy")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    choose(page, "chat-collection", "amy-traps")
    for question, expected in (("When does the night ferry to Tallinn leave?", "<img src=x onerror=\"window.__pwned=1\">"),
                               ("How much is the daily rent of a kayak?", "<img src=x onerror=alert(1)>")):
        page.locator("#question textarea").fill(question)
        page.locator("#ask").click()
        page.locator("#sources").get_by_text(expected, exact=False).first.wait_for(timeout=60_000)
        assert page.locator("#sources img").count() == 0
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "team-markup-as-text.png"), full_page=True)
    assert page.evaluate("window.__pwned") is None and dialogs == []


def test_a_citation_opens_in_the_viewer_at_its_page_and_its_row(team_url, browser, tmp_path):
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import formats

    page = log_in(browser, team_url[0], "ben")
    page.locator("button[role=tab]", has_text="Documents").click()
    page.locator("#new-collection textarea").fill("ben-manuals")
    page.locator("#create-collection").click()
    page.locator("#docs-status").get_by_text("created", exact=False).wait_for(timeout=30_000)
    # a long section before the quote, so that the text pane must scroll to it
    steps = "".join(f"<p>Step {n}: check that seal number {n} of the housing sits flat and is free of grit.</p>"
                    for n in range(1, 80))
    long_manual = formats.MANUAL_HTML.replace('<h2 id="b">', steps + '<h2 id="b">')
    (tmp_path / "filter.html").write_text(long_manual, encoding="utf-8")
    files = [formats.write_manual_pdf(tmp_path / "pump.pdf"), formats.write_csv(tmp_path / "ferries.csv"),
             formats.write_scanned_pdf(tmp_path / "scan.pdf"), tmp_path / "filter.html"]
    page.locator("#upload input[type=file]").set_input_files([str(f) for f in files])
    page.wait_for_timeout(1500)
    page.locator("#add").click()
    page.locator("#docs-status").get_by_text("added", exact=False).wait_for(timeout=120_000)
    page.locator("button[role=tab]", has_text="Chat").click()
    choose(page, "chat-collection", "ben-manuals")

    ask_and_open(page, "How long may the inlet hose be?", "seven metres", "[1] pump.pdf, page 2", "#viewer-page img")
    page.locator("#viewer-where").get_by_text("pump.pdf, page 2 of 4").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "viewer-team-pdf.png"), full_page=True)
    assert page.locator("#viewer-paging").is_visible()  # a PDF turns its pages
    page.locator("#viewer-next").click()
    page.locator("#viewer-where").get_by_text("page 3 of 4").wait_for(timeout=30_000)

    ask_and_open(page, "When does the Evening Gull depart?", "19:40", "[1] ferries.csv — ferries, row 3",
                 "#viewer-text tr.marked")
    marked = page.locator("#viewer-text tr.marked")
    assert "Evening Gull" in marked.inner_text()
    assert marked.locator("td").first.evaluate("cell => getComputedStyle(cell).backgroundColor") == "rgb(255, 224, 138)"
    assert not page.locator("#viewer-paging").is_visible()  # a table has no pages to turn
    page.screenshot(path=str(ARTIFACTS / "viewer-team-table.png"), full_page=True)

    ask_and_open(page, "How many replacement filters come in a pack?", "three", "[1] filter.html — 2.2. Spare parts",
                 "#viewer-text mark#quote")
    quote = page.locator("#viewer-text mark#quote")
    assert "packs of three" in quote.inner_text()
    assert "2.2. Spare parts" in page.locator("#viewer-text h3").inner_text()
    page.wait_for_function("""() => {  // the pane scrolled to the quote, ~80 paragraphs into the text
        const pane = document.querySelector('#viewer-text .viewer-scroll').getBoundingClientRect();
        const quote = document.querySelector('#viewer-text mark#quote').getBoundingClientRect();
        return pane.height > 0 && quote.top >= pane.top && quote.bottom <= pane.bottom; }""", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "viewer-team-html.png"), full_page=True)

    ask_and_open(page, "What colour was the observatory dome painted?", "green", "[1] scan.pdf, page 1",
                 "#viewer-where >> text=scan.pdf")
    page.locator("#sources").get_by_text("read by OCR", exact=False).wait_for(timeout=30_000)
    page.locator("#viewer-page img").wait_for(timeout=60_000)
    page.locator("#viewer-where").get_by_text("scan.pdf, page 1 of 1").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "viewer-team-scan.png"), full_page=True)
    # the first answer's citation is still in the picker, labelled with its question, and still opens
    open_citation(page, "How long may the inlet hose be? · [1] pump.pdf, page 2",
                  "#viewer-where >> text=pump.pdf, page 2 of 4")


def ask_and_open(page, question: str, expected: str, citation: str, shown: str) -> None:
    """Ask in the chat, wait for the answer, open its first citation in the viewer and wait
    for ``shown``. The picker is refreshed by an event that follows the answer's; when a
    loaded machine delivers it after the pick, the pick is made once more."""
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    page.locator("#chat").get_by_text(expected, exact=False).last.wait_for(timeout=60_000)
    source = citation.split("] ", 1)[1].split(",")[0].split(" — ")[0]
    page.locator("#sources").get_by_text(source, exact=False).first.wait_for(timeout=30_000)  # the final answer
    page.wait_for_timeout(1000)
    open_citation(page, citation, shown)


def open_citation(page, citation: str, shown: str) -> None:
    """Pick ``citation`` in the viewer's picker and wait for ``shown``; a pick a loaded
    machine missed is made once more."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    choose(page, "viewer-pick", citation)
    page.locator("#viewer-where").first.scroll_into_view_if_needed()
    try:
        page.locator(shown).first.wait_for(timeout=15_000)
    except PlaywrightTimeout:
        choose(page, "viewer-pick", citation)
        try:
            page.locator(shown).first.wait_for(timeout=30_000)
        except PlaywrightTimeout:
            page.screenshot(path=str(ARTIFACTS / "viewer-failed.png"), full_page=True)
            pane = page.locator("#viewer-pick").first.evaluate("e => e.closest('.gr-group').innerText")
            pytest.fail(f"{shown} not shown after picking {citation!r}; the pane reads: {pane!r}")
