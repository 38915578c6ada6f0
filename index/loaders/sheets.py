"""Spreadsheets (.xlsx) and CSV files: each row a record that carries its column
headers ("Plan: Annual; Price: 90 dollars"), so a row read alone still says what
its values are. Each sheet is a section named after it."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from index.documents import Document
from index.errors import LoadError
from index.loaders.builder import TextBuilder
from index.loaders.registry import loader
from index.loaders.text import read_text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def rows_into(rows: Iterable[Iterable], builder: TextBuilder) -> None:
    """The first non-empty row is the header; every later row becomes one line."""
    header: list[str] | None = None
    for row in rows:
        cells = [_cell(v) for v in row]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        named = [f"{header[i] if i < len(header) and header[i] else f'Column {i + 1}'}: {v}"
                 for i, v in enumerate(cells) if v]
        record = "; ".join(named)
        builder.line(record if record.endswith((".", "!", "?")) else record + ".")  # a record reads as a sentence
    if header is not None and builder.empty:
        builder.line("; ".join(c for c in header if c))


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
        for sheet in workbook.worksheets:
            builder.section(f"Sheet {sheet.title}")
            rows_into(sheet.iter_rows(values_only=True), builder)
    finally:
        workbook.close()
    return [builder.build(source, workbook.properties.title or "")]


@loader(".csv", ".tsv")
def load_csv(path: Path, source: str) -> list[Document]:
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    builder = TextBuilder()
    try:
        rows_into(csv.reader(io.StringIO(text), dialect), builder)
    except csv.Error as exc:
        raise LoadError(path, f"malformed CSV ({exc}); check its quoting") from exc
    return [builder.build(source)]
