"""Office documents: Word (.docx), PowerPoint (.pptx) and OpenDocument text (.odt).

Headings (paragraph styles "Heading N"/"Title", slide titles, ``text:h``) open
sections; each slide is a page, its speaker notes follow its text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.parsers.expat import ExpatError

from index.documents import Document
from index.errors import LoadError
from index.loaders.builder import TextBuilder
from index.loaders.registry import loader
from index.loaders.sheets import rows_into, table_title


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
    builder = TextBuilder()
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("Heading") or style == "Title":
            builder.heading(paragraph.text)
        else:
            builder.paragraph(paragraph.text)
    for number, table in enumerate(document.tables, start=1):
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if len(rows) >= 2:
            rows_into(rows, builder, table_title(source, f"table {number}", several=True))
        else:
            for row in rows:
                builder.line(" | ".join(row))
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

    def walk(element) -> None:
        for node in element.childNodes:
            name = getattr(node, "qname", None)
            if name == (TEXTNS, "h"):
                builder.heading(teletype.extractText(node))
            elif name == (TEXTNS, "p"):
                builder.paragraph(teletype.extractText(node))
            elif name == (TABLENS, "table-row"):
                builder.line(" | ".join(teletype.extractText(cell).strip() for cell in node.childNodes))
            elif getattr(node, "childNodes", None):
                walk(node)

    walk(document.text)
    title = ""
    for element in document.meta.childNodes:
        if getattr(element, "qname", (None, ""))[1] == "title":
            title = teletype.extractText(element)
    return [builder.build(source, title)]
