from pathlib import Path

import pytest

from index.errors import LoadError, UnsupportedFileError
from index.loaders import load_file


def load(path: Path):
    return load_file(path, path.name)


def test_each_format_loads_its_visible_text(docs_dir):
    assert "lit the lamp" in load(docs_dir / "notes.txt")[0].text
    assert "ferry leaves" in load(docs_dir / "guide.md")[0].text
    page = load(docs_dir / "page.html")[0]
    assert "High tide arrives at noon." in page.text and "Low tide & mud flats" in page.text
    assert "hidden script" not in page.text and "color" not in page.text
    assert page.title == "Tides"
    museum = load(docs_dir / "museum.docx")[0]
    assert "opens on Tuesdays" in museum.text and "free for children" in museum.text


def test_pdf_keeps_page_numbers_and_spans(docs_dir):
    document = load(docs_dir / "report.pdf")[0]
    assert [p.number for p in document.pages] == [1, 2]
    second = document.pages[1]
    assert "closed in 1931" in document.text[second.start : second.end]
    assert "granite" not in document.text[second.start : second.end]


def test_beir_corpus_gives_one_document_per_line_named_by_id(docs_dir):
    documents = load(docs_dir / "beir" / "corpus.jsonl")
    assert [(d.source, d.title, d.text) for d in documents] == [
        ("d1", "Owls", "Owls hunt at night."), ("d2", "Bees", "Bees make honey.")]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", b"\x00\x01\x02\x89PNG\x00\x00", "binary data"),
        ("latin1.txt", "café crème".encode("latin-1"), "not valid UTF-8"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf", "PDF"),
        ("fake.docx", b"this is not a zip file", "not a readable .docx"),
        ("bad.jsonl", b'{"_id": "a", "text": "fine"}\n{not json}\n', "bad.jsonl:2"),
    ],
)
def test_bad_files_raise_an_error_naming_the_file_and_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as info:
        load(path)
    assert name in str(info.value) and reason in str(info.value)


def test_unsupported_extension_lists_what_is_supported(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(b"ID3")
    with pytest.raises(UnsupportedFileError, match=r"song\.mp3.*unsupported file type '\.mp3'.*\.pdf.*\.png"):
        load(path)


def test_a_pdf_is_titled_by_its_metadata_else_by_the_largest_type_on_its_first_page(tmp_path):
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = [Paragraph("Drip irrigation of greenhouse tomatoes", styles["Title"]),
             Paragraph("M. Okafor and J. Haverkamp", styles["Heading3"]),
             Paragraph("We measured the water use of tomato plants over two seasons. " * 6, styles["Normal"])]
    SimpleDocTemplate(str(tmp_path / "paper.pdf")).build(list(story))  # reportlab's metadata title: "untitled"
    SimpleDocTemplate(str(tmp_path / "named.pdf"), title="named").build(list(story))
    SimpleDocTemplate(str(tmp_path / "manual.pdf"), title="AquaFlow 300 Owner's Manual").build(list(story))
    assert load(tmp_path / "paper.pdf")[0].title == "Drip irrigation of greenhouse tomatoes"  # not the authors
    assert load(tmp_path / "named.pdf")[0].title == "Drip irrigation of greenhouse tomatoes"  # a file name says nothing
    assert load(tmp_path / "manual.pdf")[0].title == "AquaFlow 300 Owner's Manual"
