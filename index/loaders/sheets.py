"""Spreadsheets (.xlsx, .ods) and CSV/TSV files, kept as tables.

Each sheet is a ``Table`` (title: the file, and the sheet when it has a name of its
own; header: its first non-empty row). Each data row is also one line of the text, a
record that carries its column names ("version: 10; codename: Buster; release:
2019-07-06."), in a section of its own ("debian, row 12"), so a row read or retrieved
alone still says what its values are and where it is."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from index.documents import Document, Table, TableRow, record_text
from index.errors import LoadError
from index.loaders.builder import TextBuilder
from index.loaders.registry import loader
from index.loaders.text import read_text

_GENERIC_SHEET = re.compile(r"(sheet|tabelle|feuille|hoja|foglio)\s*\d*", re.IGNORECASE)


def _cell(value) -> str:
    """A cell as a person reads it: dates without a midnight time, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def table_title(source: str, sheet: str | None = None, several: bool = False) -> str:
    """The file's name, with the sheet's when the file has several or it is more than "Sheet1"."""
    stem = Path(source).stem
    named = sheet and (several or not _GENERIC_SHEET.fullmatch(sheet.strip()))
    return f"{stem}: {sheet}" if named else stem


def rows_into(rows: Iterable[Iterable], builder: TextBuilder, title: str) -> None:
    """The first non-empty row is the header; every later row becomes one record line."""
    header: tuple[str, ...] | None = None
    kept: list[TableRow] = []
    for number, row in enumerate(rows, start=1):
        cells = tuple(_cell(v) for v in row)
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        kept.extend(record_rows([cells], builder, title, header, number))
    if header is None:
        return
    if not kept:
        builder.line("; ".join(c for c in header if c))
    builder.table(Table(title, header, tuple(kept)))


def holds_data(rows: list) -> bool:
    """Whether ``rows`` of cells make a data table: two rows with two filled cells each, so a
    framed note (one cell, or an icon beside its text) is not one."""
    return sum(1 for row in rows if sum(map(bool, row)) >= 2) >= 2


def record_rows(rows: Iterable[Iterable], builder: TextBuilder, title: str, header: tuple[str, ...],
                first: int) -> list[TableRow]:
    """Data rows, numbered from ``first``, each one record line in a section of its own."""
    kept = []
    for number, row in enumerate(rows, start=first):
        cells = tuple(_cell(v) for v in row)
        builder.row_section(f"{title}, row {number}")
        span = builder.line(record_text(header, cells))
        if span is not None:
            kept.append(TableRow(number, span[0], span[1], cells))
    return kept


def document_table(rows: list[list[str]], builder: TextBuilder, untitled: str, caption: str | None = None) -> None:
    """A table met in the run of a text document (DOCX, ODT, HTML), where it stands: titled
    by its caption, else the heading it sits under, else ``untitled``; the text after it is
    under that heading again. A table of one row is only a line of text."""
    if len(rows) < 2:
        for row in rows:
            builder.line(" | ".join(row))
        return
    heading = builder.last_heading
    rows_into(rows, builder, caption or heading or untitled)
    if heading:
        builder.section(heading)
    else:
        builder.end_section()


@loader(".xlsx", ".xlsm")
def load_xlsx(path: Path, source: str) -> list[Document]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(path, f"not a readable .xlsx ({type(exc).__name__}); open and re-save it in "
                              "LibreOffice Calc or Excel") from exc
    builder = TextBuilder()
    try:
        several = len(workbook.worksheets) > 1
        for sheet in workbook.worksheets:
            rows_into(sheet.iter_rows(values_only=True), builder, table_title(source, sheet.title, several))
    finally:
        workbook.close()
    return [builder.build(source, workbook.properties.title or "")]


@loader(".ods")
def load_ods(path: Path, source: str) -> list[Document]:
    from xml.parsers.expat import ExpatError

    from odf import opendocument

    from index.loaders.ods import sheets

    try:
        document = opendocument.load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, ExpatError) as exc:
        raise LoadError(path, f"not a readable .ods ({type(exc).__name__}); open and re-save it in "
                              "LibreOffice Calc") from exc
    builder = TextBuilder()
    found = sheets(document)
    for name, rows in found:
        rows_into(rows, builder, table_title(source, name, len(found) > 1))
    return [builder.build(source)]


@loader(".csv", ".tsv")
def load_csv(path: Path, source: str) -> list[Document]:
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    builder = TextBuilder()
    try:
        rows_into(csv.reader(io.StringIO(text), dialect), builder, table_title(source))
    except csv.Error as exc:
        raise LoadError(path, f"malformed CSV ({exc}); check its quoting") from exc
    return [builder.build(source)]
