"""Documents compressed on their own (``faq.txt.gz``, ``guide.html.bz2``, ``manual.pdf.xz``),
as documentation packages ship them, are read by the loader of what they hold and cited by
their own name; a compression bomb, a damaged file or an archive of several files is
refused naming the file and the fix, and an asked question is answered from one."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import tempfile

import pytest

from helpers import formats
from index.errors import LoadError, UnsupportedFileError
from index.loaders import extension, load_file, supported

FAQ = "Debian FAQ\n\nThe package checker is called lintian. It reports policy violations.\n"


def test_compressed_documents_are_read_by_the_loader_of_what_they_hold(tmp_path):
    (tmp_path / "faq.txt.gz").write_bytes(gzip.compress(FAQ.encode()))
    (tmp_path / "guide.html.bz2").write_bytes(bz2.compress(formats.MANUAL_HTML.encode()))
    pdf = formats.write_manual_pdf(tmp_path / "manual.pdf")
    (tmp_path / "manual.pdf.xz").write_bytes(lzma.compress(pdf.read_bytes()))
    pdf.unlink()
    [faq] = load_file(tmp_path / "faq.txt.gz", "faq.txt.gz")
    assert "called lintian" in faq.text and faq.source == "faq.txt.gz"
    [guide] = load_file(tmp_path / "guide.html.bz2", "guide.html.bz2")
    assert "<" not in guide.text and "filter" in guide.text.lower()  # the HTML loader's clean text, not markup
    [manual] = load_file(tmp_path / "manual.pdf.xz", "manual.pdf.xz")
    assert "Bolt the pump" in manual.text
    assert [p.number for p in manual.pages] == [2, 3, 4]  # the PDF loader's pages, its contents page left out


def test_what_a_compressed_file_holds_decides_whether_it_is_read(tmp_path):
    for name in ("faq.txt.gz", "notes.tar.gz", "changelog.Debian.gz", "README.gz"):
        (tmp_path / name).write_bytes(gzip.compress(b"text"))
    assert [supported(tmp_path / n) for n in ("faq.txt.gz", "notes.tar.gz", "changelog.Debian.gz", "README.gz")] == [
        True, False, False, False]
    assert extension(tmp_path / "notes.tar.gz") == ".tar.gz"
    with pytest.raises(UnsupportedFileError, match=r"notes\.tar\.gz: unsupported file type '\.tar\.gz'.*manual\.pdf\.gz"):
        load_file(tmp_path / "notes.tar.gz", "notes.tar.gz")


def test_a_compression_bomb_or_a_damaged_file_is_refused_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_MAX_EXPANDED_MB", "1")
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * (3 * 2**20)))
    before = set(os.listdir(tempfile.gettempdir()))
    with pytest.raises(LoadError, match=r"bomb\.txt\.gz: it expands to more than 1 MB.*ASSISTANT_MAX_EXPANDED_MB"):
        load_file(tmp_path / "bomb.txt.gz", "bomb.txt.gz")
    assert set(os.listdir(tempfile.gettempdir())) <= before  # the partial copy is gone
    (tmp_path / "cut.txt.gz").write_bytes(gzip.compress(FAQ.encode() * 50)[:40])
    with pytest.raises(LoadError, match=r"cut\.txt\.gz: cannot unpack it .*damaged"):
        load_file(tmp_path / "cut.txt.gz", "cut.txt.gz")
    (tmp_path / "empty.pdf.gz").write_bytes(gzip.compress(b""))
    with pytest.raises(LoadError, match=r"^.*empty\.pdf\.gz: "):  # the inner loader's reason, named by the user's file
        load_file(tmp_path / "empty.pdf.gz", "empty.pdf.gz")


def test_a_folder_s_compressed_documents_are_indexed_and_the_rest_reported(fake_collection, tmp_path):
    docs = tmp_path / "doc"
    docs.mkdir()
    (docs / "faq.txt.gz").write_bytes(gzip.compress(FAQ.encode()))
    (docs / "changelog.Debian.gz").write_bytes(gzip.compress(b"pkg (1.0) unstable; urgency=low"))
    collection = fake_collection()
    report = collection.sync([docs])
    assert report.added == 1 and not report.failed and report.skipped == {".debian.gz": 1}
    assert [source for source, _ in collection.documents()] == ["faq.txt.gz"]
    assert "called lintian" in collection.document_text("faq.txt.gz")
    (docs / "faq.txt.gz").write_bytes(gzip.compress(FAQ.replace("lintian", "duck").encode()))
    assert collection.sync([docs]).updated == 1
    assert "called duck" in collection.document_text("faq.txt.gz")


@pytest.mark.slow
def test_a_question_is_answered_and_cited_from_a_compressed_document(tmp_path):
    from assistant import Assistant

    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "faq.txt.gz").write_bytes(gzip.compress(FAQ.encode()))
    bot = Assistant(store=tmp_path / "store")
    assert bot.index([tmp_path / "doc"]).to_json()["files"]["failed"] == []
    answer = bot.ask("What is the package checker called?")
    assert answer.short_answer == "lintian" and answer.citations[0].source == "faq.txt.gz"
