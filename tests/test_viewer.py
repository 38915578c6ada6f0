"""Citations opened in their documents through the server (FastAPI's test client, the real
assistant, pdfium, Tesseract): a PDF page with the quote's character boxes painted, a
scanned page with Tesseract's word boxes, HTML and table rows marked, the original file
for download — and none of it for a user who may not read the collection, or for a
source that is a path."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import ROOT  # noqa: E402
from helpers import formats  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from fastapi.testclient import TestClient

    from assistant.server.app import create_app

    store = tmp_path_factory.mktemp("viewer-store")
    folder = tmp_path_factory.mktemp("viewer-docs")
    formats.write_manual_pdf(folder / "pump.pdf")
    formats.write_scanned_pdf(folder / "scan.pdf")
    formats.write_csv(folder / "ferries.csv")
    (folder / "filter.html").write_text(formats.MANUAL_HTML, encoding="utf-8")
    paper = formats.write_booktabs_pdf(folder / "readers.pdf")
    (folder / "readers.pdf.gz").write_bytes(gzip.compress(paper.read_bytes()))
    paper.unlink()
    app = create_app(str(store), ui=False)
    accounts = app.state.team.accounts
    for name in ("alice", "bob"):
        accounts.add(name, f"{name}-password")
    tokens = {name: {"Authorization": f"Bearer {accounts.new_token(name)}"} for name in ("alice", "bob")}
    client = TestClient(app)
    assert client.post("/v1/collections", json={"name": "alice-docs"}, headers=tokens["alice"]).status_code == 201
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in sorted(folder.iterdir())]
    report = client.post("/v1/collections/alice-docs/documents", headers=tokens["alice"], files=files).json()
    assert report["files"]["failed"] == [], report
    return client, tokens


def cited(client, headers, question):
    answer = client.post("/v1/ask", headers=headers, json={"question": question, "collection": "alice-docs"}).json()
    assert not answer["declined"], answer
    return answer["citations"][0]


def view(client, headers, citation):
    return client.get(f"/v1/collections/alice-docs/documents/{citation['source']}/view",
                      params={"start": citation["start"], "end": citation["end"]}, headers=headers)


def test_a_pdf_citation_opens_its_page_with_the_quoted_characters_painted(server):
    import pypdfium2 as pdfium
    from PIL import Image

    client, tokens = server
    citation = cited(client, tokens["alice"], "How long may the inlet hose be?")
    assert citation["source"] == "pump.pdf" and citation["page"] == 2
    response = view(client, tokens["alice"], citation)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.headers["x-page"] == "2" and response.headers["x-pages"] == "4"
    boxes = json.loads(response.headers["x-highlight"])
    assert boxes
    # a painted box covers the characters of "seven" as pdfium places them on page 2
    page = pdfium.PdfDocument(str(_upload(client, tokens, "pump.pdf")))[1]
    textpage, height = page.get_textpage(), page.get_size()[1]
    text = textpage.get_text_range()
    left, bottom, right, top = textpage.get_charbox(text.index("seven"))
    x, y = (left + right) / 2 * 1.5, (height - (top + bottom) / 2) * 1.5
    assert any(l <= x <= r and t <= y <= b for l, t, r, b in boxes)
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    left, top, right, bottom = (int(v) for v in boxes[0])
    paper = [image.getpixel((x, y)) for x in range(left, right) for y in range(top, bottom)]
    paper = sorted(b for r, g, b in paper if r > 200 and g > 200)  # the page between the glyphs
    assert paper and paper[len(paper) // 2] < 190  # highlighter yellow there, not white
    image.save(_artifact("viewer-pdf.png"))


def test_a_scanned_page_is_highlighted_at_tesseract_s_words(server):
    client, tokens = server
    citation = cited(client, tokens["alice"], "What colour was the observatory dome painted?")
    assert citation["source"] == "scan.pdf" and citation.get("ocr") is True
    response = view(client, tokens["alice"], citation)
    assert response.status_code == 200 and json.loads(response.headers["x-highlight"])
    Path(_artifact("viewer-scan.png")).write_bytes(response.content)


def test_a_compressed_pdf_s_citation_opens_its_page_painted(server):
    client, tokens = server
    citation = cited(client, tokens["alice"], "What is the test F1 of Kestrel?")
    assert (citation["source"], citation["page"]) == ("readers.pdf.gz", 1)
    response = view(client, tokens["alice"], citation)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.headers["x-pages"] == "1" and json.loads(response.headers["x-highlight"])


def test_html_and_table_citations_open_as_marked_fragments(server):
    client, tokens = server
    html = view(client, tokens["alice"], cited(client, tokens["alice"], "How many replacement filters are in a pack?"))
    assert html.headers["content-type"].startswith("text/html")
    assert "<mark id='quote'>" in html.text and "packs of three" in html.text.split("<mark id='quote'>")[1]
    row = cited(client, tokens["alice"], "When does the Evening Gull depart?")
    table = view(client, tokens["alice"], row)
    assert table.headers["x-row"] == "3" and "<tr id='quote' class='marked'><td>3</td><td>Evening Gull</td>" in table.text


def test_the_original_file_downloads(server):
    client, tokens = server
    response = client.get("/v1/collections/alice-docs/documents/ferries.csv/file", headers=tokens["alice"])
    assert response.status_code == 200 and response.content.startswith(b"ferry,departs,pier")


def test_others_and_paths_get_404(server):
    client, tokens = server
    base = "/v1/collections/alice-docs/documents"
    for route in ("pump.pdf/view?start=0&end=5", "pump.pdf/file"):
        assert client.get(f"{base}/{route}", headers=tokens["bob"]).status_code == 404
        assert client.get(f"{base}/{route}").status_code == 401
    for source in ("../../etc/passwd", "/etc/passwd", "%2Fetc%2Fpasswd", "..%2F..%2Fviewer-store"):
        for route in ("view?start=0&end=5", "file"):
            assert client.get(f"{base}/{source}/{route}", headers=tokens["alice"]).status_code == 404, source
    assert client.get(f"{base}/pump.pdf/view?start=0&end=99999999", headers=tokens["alice"]).status_code == 404


def test_a_stored_conversation_keeps_what_reopens_its_viewer(server):
    client, tokens = server
    answer = client.post("/v1/ask", headers=tokens["alice"],
                         json={"question": "How long may the inlet hose be?", "collection": "alice-docs"}).json()
    stored = client.get(f"/v1/conversations/{answer['conversation_id']}", headers=tokens["alice"]).json()
    citation = stored["messages"][-1]["answer"]["citations"][0]
    assert view(client, tokens["alice"], citation).status_code == 200


def _upload(client, tokens, name: str) -> Path:
    response = client.get(f"/v1/collections/alice-docs/documents/{name}/file", headers=tokens["alice"])
    path = Path(_artifact(f"download-{name}"))
    path.write_bytes(response.content)
    return path


def _artifact(name: str) -> str:
    folder = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return str(folder / name)


def test_pages_render_while_pdfs_are_indexed_in_other_threads(tmp_path):
    """pdfium aborts the process when two threads call it at once; the viewer and the
    loader share a lock. Run in a child process, so that an abort fails this test and
    not the whole run."""
    import subprocess

    script = f"""
import sys, threading
sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]
from pathlib import Path
from helpers import formats
from index.loaders.pdf import load_pdf
from assistant.viewer.pdf_page import _cache, page_image

pdf = formats.write_manual_pdf(Path({str(tmp_path)!r}) / "pump.pdf")
failures = []

def index():
    for _ in range(40):
        if "seven metres" not in load_pdf(pdf, "pump.pdf")[0].text:
            failures.append("load")

def view():
    for i in range(40):
        _cache.clear()
        if not page_image(pdf, "hash", 1 + i % 4, "").png:
            failures.append("view")

threads = [threading.Thread(target=f) for f in (index, view, index, view)]
[t.start() for t in threads]
[t.join() for t in threads]
print("failures", len(failures))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "failures 0" in done.stdout


def test_the_picker_keeps_every_answer_s_citations_newest_first():
    from assistant.types import Answer, Citation
    from assistant.ui.viewer import cited, citation_choices, with_earlier

    def answer(*where):
        return Answer(question="q", rewritten_question="q", answer="…", declined=False, citations=[Citation(n=i + 1, source=s, page=None, start=a, end=b, quote="q")
                                             for i, (s, a, b) in enumerate(where)])

    first = cited("How long may the inlet hose be?", answer(("pump.pdf", 98, 150)))
    second = with_earlier(cited("When does the Evening Gull depart?", answer(("ferries.csv", 52, 102),
                                                                             ("pump.pdf", 98, 150))), first)
    labels = [label for label, _ in citation_choices(second)]
    assert labels == ["[1] ferries.csv", "[2] pump.pdf"]  # the same passage is listed once, as the newest cites it
    third = with_earlier(cited("And the Morning Star?", answer(("ferries.csv", 0, 51))), second)
    assert [label for label, _ in citation_choices(third)] == [
        "[1] ferries.csv", "When does the Evening Gull depart? · [1] ferries.csv",
        "When does the Evening Gull depart? · [2] pump.pdf"]
    assert with_earlier(cited("Declined?", Answer(question="q", rewritten_question="q", answer="no", declined=True)), third) == third
