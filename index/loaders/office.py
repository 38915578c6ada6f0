"""Office documents: Word (.docx), PowerPoint (.pptx) and OpenDocument text (.odt).

Headings (paragraph styles "Heading N"/"Title", slide titles, ``text:h``) open
sections; a Word text's content controls, text boxes and footnotes are read where they
stand (``word.py``); each slide is a page, its speaker notes follow its text. Tables of Word and
OpenDocument texts are kept as tables where they stand (``sheets.document_table``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.parsers.expat import ExpatError

from index.documents import Document
from index.errors import LoadError
from index.loaders.builder import TextBuilder
from index.loaders.registry import loader
from index.loaders.sheets import document_table, table_title


MAX_REPEATED = 64  # an OpenDocument cell repeated across columns counts this often at most


def _refuse(path: Path, kind: str, exc: Exception) -> LoadError:
    return LoadError(path, f"not a readable {kind} ({type(exc).__name__}); open and re-save it in "
                           "LibreOffice or Microsoft Office")


@loader(".docx")
def load_docx(path: Path, source: str) -> list[Document]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _refuse(path, ".docx", exc) from exc
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from index.loaders import word

    builder = TextBuilder()
    tables = 0
    notes = word.footnotes(document.part)
    for element in word.blocks(document.element.body):  # paragraphs and tables in their order
        if element.tag.endswith("}p"):
            paragraph = Paragraph(element, document)
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            text = word.paragraph_text(element)
            if style.startswith("Heading") or style == "Title":
                builder.heading(text)
            else:
                builder.paragraph(text)
            for box in word.text_boxes(element):
                builder.paragraph(box)
            for n, note in ((n, notes[n]) for n in word.footnote_ids(element) if n in notes):
                builder.paragraph(f"[{n}] {note}")
        elif element.tag.endswith("}tbl"):
            tables += 1
            rows = [[cell.text.strip() for cell in row.cells] for row in Table(element, document).rows]
            document_table(rows, builder, table_title(source, f"table {tables}", several=True))
    return [builder.build(source, document.core_properties.title or "")]


@loader(".pptx")
def load_pptx(path: Path, source: str) -> list[Document]:
    import pptx
    from pptx.exc import PackageNotFoundError

    try:
        presentation = pptx.Presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _refuse(path, ".pptx", exc) from exc
    builder = TextBuilder()
    for number, slide in enumerate(presentation.slides, start=1):
        builder.page(number)
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text.strip() if title_shape is not None and title_shape.has_text_frame else ""
        builder.section(f"Slide {number}" + (f": {title}" if title else ""))
        for shape in slide.shapes:
            _shape_text(shape, builder)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                builder.paragraph(f"Notes: {notes}")
    return [builder.build(source, presentation.core_properties.title or "")]


def _shape_text(shape, builder: TextBuilder) -> None:
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:
            builder.line("".join(run.text for run in paragraph.runs))
    elif getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            builder.line(" | ".join(cell.text.strip() for cell in row.cells))
    elif hasattr(shape, "shapes"):  # a group
        for child in shape.shapes:
            _shape_text(child, builder)


@loader(".odt")
def load_odt(path: Path, source: str) -> list[Document]:
    from odf import opendocument, teletype
    from odf.namespaces import TABLENS, TEXTNS

    try:
        document = opendocument.load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, ExpatError) as exc:
        raise _refuse(path, ".odt", exc) from exc
    builder = TextBuilder()
    tables = 0

    def rows_of(table) -> list[list[str]]:
        rows = []
        for node in table.childNodes:
            name = getattr(node, "qname", None)
            if name == (TABLENS, "table-row"):
                cells = []
                for cell in node.childNodes:
                    repeated = min(int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1), MAX_REPEATED)
                    cells += [teletype.extractText(cell).strip()] * repeated
                while cells and not cells[-1]:
                    cells.pop()
                rows.append(cells)
            elif name is not None and name[0] == TABLENS and getattr(node, "childNodes", None):
                rows += rows_of(node)  # header rows, row groups
        return rows

    def walk(element) -> None:
        nonlocal tables
        for node in element.childNodes:
            name = getattr(node, "qname", None)
            if name == (TEXTNS, "h"):
                builder.heading(teletype.extractText(node))
            elif name == (TEXTNS, "p"):
                builder.paragraph(teletype.extractText(node))
            elif name == (TABLENS, "table"):
                tables += 1
                document_table([r for r in rows_of(node) if r], builder,
                               table_title(source, f"table {tables}", several=True))
            elif getattr(node, "childNodes", None):
                walk(node)

    walk(document.text)
    title = ""
    for element in document.meta.childNodes:
        if getattr(element, "qname", (None, ""))[1] == "title":
            title = teletype.extractText(element)
    return [builder.build(source, title)]
