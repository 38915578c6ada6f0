"""The text of a Word body as Word shows it, which python-docx's ``Paragraph.text`` and
``body`` children do not give whole: content controls (a cover page, a template's or a form's
fields) hold paragraphs and runs of their own, a callout or sidebar is a text box anchored
in a paragraph, and footnotes live in a part of their own. A table of contents' control is
left out: it repeats the headings."""

from __future__ import annotations

from collections.abc import Iterator

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.parser import parse_xml  # lxml without entity resolution, as python-docx reads parts
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CHARACTERS = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}


def blocks(body) -> Iterator[etree._Element]:
    """The paragraphs (``w:p``) and tables (``w:tbl``) of ``body`` in order, those inside
    content controls included."""
    for element in body.iterchildren():
        if element.tag == W + "sdt":
            content = element.find(W + "sdtContent")
            if content is not None and not _is_contents(element):
                yield from blocks(content)
        elif element.tag in (W + "p", W + "tbl"):
            yield element


def _is_contents(control) -> bool:
    gallery = control.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
    return gallery is not None and "contents" in (gallery.get(W + "val") or "").lower()


def paragraph_text(paragraph) -> str:
    """Its runs' text, inline content controls and hyperlinks included; text boxes and a
    drawing's fallback copy left out (``text_boxes``)."""
    parts: list[str] = []

    def walk(element) -> None:
        for child in element.iterchildren():
            if child.tag in (W + "txbxContent", FALLBACK):
                continue
            if child.tag == W + "t":
                parts.append(child.text or "")
            elif child.tag in _CHARACTERS:
                parts.append(_CHARACTERS[child.tag])
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts)


def text_boxes(paragraph) -> list[str]:
    """The paragraphs of the text boxes anchored in ``paragraph``, each box once (Word writes
    it twice: for current readers and, in ``mc:Fallback``, for old ones)."""
    found = []
    for box in paragraph.iter(W + "txbxContent"):
        if any(ancestor.tag == FALLBACK for ancestor in box.iterancestors()):
            continue
        found += [text for p in box.iter(W + "p") if (text := paragraph_text(p).strip())]
    return found


def footnote_ids(paragraph) -> list[str]:
    return [ref.get(W + "id") for ref in paragraph.iter(W + "footnoteReference")]


def footnotes(document_part) -> dict[str, str]:
    """The document's footnotes by id (the separator notes Word keeps as ids -1 and 0 have no text)."""
    related = [rel.target_part for rel in document_part.rels.values() if rel.reltype == RELATIONSHIP_TYPE.FOOTNOTES]
    if not related:
        return {}
    root = parse_xml(related[0].blob)
    notes = {}
    for note in root.iter(W + "footnote"):
        text = " ".join(t for p in note.iter(W + "p") if (t := paragraph_text(p).strip()))
        if text:
            notes[note.get(W + "id")] = text
    return notes
