"""Image files of pages (PNG, JPEG, multi-page TIFF) read by Tesseract as scanned pages are:
each frame a page, a photo turned upright, a transparent background read as paper,
small text enlarged; bad images refused with the file named; and a cited image opened
in the viewer with the quote's words painted."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from helpers import formats
from index.errors import LoadError
from index.loaders import load_file, ocr

pytestmark = pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed: apt-get install tesseract-ocr")

FERRY = ["The night ferry leaves at 22:40", "from pier seven, every Friday."]


def load(path):
    [document] = load_file(path, path.name)
    return document


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_png_page_is_read_by_ocr_and_marked_so(tmp_path):
    formats.scan().save(tmp_path / "dome.png")
    document = load(tmp_path / "dome.png")
    assert "painted green in 1987" in flat(document.text)
    assert [(p.number, p.ocr) for p in document.pages] == [(1, True)]


def test_each_frame_of_a_tiff_is_a_page(tmp_path):
    first, second = formats.scan().convert("1"), formats.scan(FERRY).convert("1")
    first.save(tmp_path / "scans.tiff", save_all=True, append_images=[second], compression="group4", dpi=(300, 300))
    document = load(tmp_path / "scans.tiff")
    text = flat(document.text)
    assert "painted green in 1987" in text and "every Friday" in text
    offset = document.text.index("every")
    assert next(p.number for p in document.pages if p.start <= offset < p.end) == 2


def test_a_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show it rotated 90° clockwise
    formats.scan(FERRY).rotate(90, expand=True).save(tmp_path / "photo.jpg", quality=90, exif=exif)
    assert "every Friday" in flat(load(tmp_path / "photo.jpg").text)


def test_a_page_scanned_upside_down_or_on_its_side_is_read_upright(tmp_path):
    formats.scan(FERRY).rotate(180, expand=True).save(tmp_path / "upside-down.png")
    assert "every Friday" in flat(load(tmp_path / "upside-down.png").text)
    formats.scan().rotate(90, expand=True).save(tmp_path / "sideways.pdf", "PDF", resolution=200)
    assert "painted green in 1987" in flat(load(tmp_path / "sideways.pdf").text)


def test_text_on_a_transparent_background_is_read(tmp_path):
    ink = formats.scan(FERRY).convert("L")
    clear = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    clear.putalpha(ink.point(lambda v: 255 - v))  # black letters, nothing else: black on black if flattened
    clear.save(tmp_path / "screenshot.png")
    assert "every Friday" in flat(load(tmp_path / "screenshot.png").text)


def test_small_text_is_enlarged_before_it_is_read(tmp_path):
    from index.loaders.images import read_words

    small = formats.scan(FERRY, size=12).convert("L")
    scale, reading = read_words(tmp_path / "small.png", small, 1)
    assert scale > 1.5 and "every Friday" in flat(ocr.from_data(reading.data).text)
    assert read_words(tmp_path / "large.png", formats.scan(FERRY).convert("L"), 1)[0] == 1.0


def test_bad_images_are_refused_naming_the_file_and_the_fix(tmp_path, monkeypatch):
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(LoadError, match=r"broken\.png: not a readable image.*re-save it"):
        load(tmp_path / "broken.png")
    Image.new("L", (800, 600), 255).save(tmp_path / "blank.png")
    with pytest.raises(LoadError, match=r"blank\.png: OCR found no text"):
        load(tmp_path / "blank.png")
    monkeypatch.setenv("ASSISTANT_MAX_RENDER_MEGAPIXELS", "0.1")
    formats.scan().save(tmp_path / "huge.png")
    with pytest.raises(LoadError, match=r"huge\.png: 1700×600 pixels, over the limit.*scale the image down"):
        load(tmp_path / "huge.png")
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(LoadError, match=r"dome\.png: an image is read by OCR; install Tesseract"):
        load(tmp_path / "dome.png")


def test_images_that_illustrate_pages_are_not_read_as_pages(tmp_path):
    from index.loaders import figures

    manual = tmp_path / "manual"
    for folder in ("html/images", "html/_static", "scans"):
        (manual / folder).mkdir(parents=True, exist_ok=True)
    (manual / "html" / "index.html").write_text(formats.MANUAL_HTML.replace("</body>", '<img src="shot.png"></body>'))
    (manual / "html" / "style.css").write_text("body { background: url('paper.jpg') }")
    (manual / "scans" / "README.md").write_text("# Scans\n\nferry.tiff is the 2024 timetable, scanned at 300 dpi.\n")
    files = [manual / "html" / "index.html", manual / "html" / "style.css", manual / "html" / "shot.png", manual / "html" / "paper.jpg",
             manual / "html" / "images" / "note.png", manual / "html" / "_static" / "plus.gif",
             manual / "html" / "photo-of-a-notice.jpg", manual / "scans" / "README.md", manual / "scans" / "ferry.tiff",
             manual / "photo.jpg"]
    # shown by a page or a stylesheet, or in an asset folder: figures; named in a README's prose or beside
    # pages that never show it: a document of its own
    assert figures(files) == set(files[2:6])


@pytest.mark.slow
def test_a_folder_s_scans_are_indexed_and_its_manual_s_figures_skipped(tmp_path):
    from assistant import Assistant

    manual = tmp_path / "docs"
    (manual / "images").mkdir(parents=True)
    (manual / "scans").mkdir()
    (manual / "filter.html").write_text(formats.MANUAL_HTML)
    formats.scan().save(manual / "images" / "dome.png")
    formats.scan(FERRY).save(manual / "scans" / "ferry.png")
    bot = Assistant(store=tmp_path / "store")
    report = bot.index([manual]).to_json()
    assert report["files"]["failed"] == [] and report["files"]["skipped"] == {".png": 1}, report
    answer = bot.ask("When does the night ferry leave?")
    assert answer.citations and answer.citations[0].source == "scans/ferry.png"


@pytest.mark.slow
def test_an_image_citation_opens_with_the_quote_painted(tmp_path):
    from fastapi.testclient import TestClient

    from assistant.server.app import create_app

    first, second = formats.scan(["Opening hours are posted", "at the gate."]), formats.scan(FERRY)
    first.save(tmp_path / "notice.tiff", save_all=True, append_images=[second], compression="tiff_lzw")
    app = create_app(str(tmp_path / "store"), ui=False)
    app.state.team.accounts.add("alice", "alice-password")
    headers = {"Authorization": f"Bearer {app.state.team.accounts.new_token('alice')}"}
    client = TestClient(app)
    assert client.post("/v1/collections", json={"name": "notices"}, headers=headers).status_code == 201
    files = [("files", ("notice.tiff", (tmp_path / "notice.tiff").read_bytes(), "image/tiff"))]
    report = client.post("/v1/collections/notices/documents", headers=headers, files=files).json()
    assert report["files"]["failed"] == [], report
    answer = client.post("/v1/ask", headers=headers,
                         json={"question": "When does the night ferry leave?", "collection": "notices"}).json()
    assert not answer["declined"] and "22:40" in answer["short_answer"], answer
    citation = answer["citations"][0]
    assert citation["source"] == "notice.tiff" and citation["page"] == 2 and citation.get("ocr") is True
    response = client.get("/v1/collections/notices/documents/notice.tiff/view",
                          params={"start": citation["start"], "end": citation["end"]}, headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.headers["x-page"] == "2" and response.headers["x-pages"] == "2"
    boxes = json.loads(response.headers["x-highlight"])
    shown = Image.open(io.BytesIO(response.content))
    assert boxes and shown.width <= 1000
    top = min(b[1] for b in boxes)
    assert top < shown.height / 2  # the quoted first line is painted, near the top of page 2
