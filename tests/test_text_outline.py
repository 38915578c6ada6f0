"""Plain-text manuals (Sphinx's and DocBook's text builds, reStructuredText, README files)
are cited by section: underlined and numbered headings open sections, their underlines and
the table of contents are left out, and a numbered list or plain prose stays as it is."""

from __future__ import annotations

from index.loaders import load_file

SPHINX_TEXT = """Harbour Manual
**************

* 1. Berthing

  * 1.1. Pilots

* 2. Fees

1. Berthing
***********

Ships berth at the north quay.

1.1. Pilots
===========

A pilot boards two miles out.

2. Fees
*******

Berthing costs 40 euros a day.
"""

DOCBOOK_TEXT = """Table of Contents

1. Getting started
    1.1. Tools needed
2. Building
    2.1. The build command

Chapter 1. Getting started

    Read this chapter first.

1.1. Tools needed

    Install build-essential before anything else.

Chapter 2. Building

2.1. The build command

    Run dpkg-buildpackage in the source directory.
"""


def _load(tmp_path, name: str, text: str):
    (tmp_path / name).write_text(text, encoding="utf-8")
    [document] = load_file(tmp_path / name, name)
    return document


def _section_at(document, phrase: str) -> str:
    offset = document.text.index(phrase)
    return [s.title for s in document.sections if s.start <= offset][-1]


def test_underlined_headings_open_sections_and_the_contents_are_left_out(tmp_path):
    document = _load(tmp_path, "manual.txt", SPHINX_TEXT)
    assert [s.title for s in document.sections] == ["Harbour Manual", "1. Berthing", "1.1. Pilots", "2. Fees"]
    assert _section_at(document, "two miles out") == "1.1. Pilots"
    assert "***" not in document.text and "===" not in document.text
    assert "* 1.1. Pilots" not in document.text  # the contents, which would match every question on pilots
    assert document.text.count("Pilots") == 1


def test_numbered_headings_and_chapters_open_sections(tmp_path):
    document = _load(tmp_path, "guide.txt", DOCBOOK_TEXT)
    assert [s.title for s in document.sections] == [
        "Chapter 1. Getting started", "1.1. Tools needed", "Chapter 2. Building", "2.1. The build command"]
    assert _section_at(document, "dpkg-buildpackage") == "2.1. The build command"
    assert document.text.count("Tools needed") == 1  # the contents, indented as DocBook's text build sets them, gone


def test_a_numbered_list_and_plain_prose_stay_as_they_are(tmp_path):
    text = ("Before you sail\n\n1. Check the weather\n\n2. Tell the harbour office\n\n"
            "Ships under 12 m need no pilot.\n----\nThat is all.\n")
    document = _load(tmp_path, "notes.txt", text)  # a short rule under a sentence does not underline it
    assert document.text == text and document.sections == ()
    plain = "The ferry leaves at 7:15.\n\n1. Bring a ticket\n2. Board early\n"
    assert _load(tmp_path, "plain.txt", plain).text == plain
