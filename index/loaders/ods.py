"""The sheets of an OpenDocument spreadsheet as rows of Python values (odfpy gives
the XML; repeated rows and cells, which Calc writes for empty runs, are expanded up
to a bound)."""

from __future__ import annotations

import datetime as dt

MAX_REPEAT = 1000  # Calc pads sheets with one cell "repeated" 16,384 times


def _value(cell):
    from odf import teletype
    from odf.namespaces import OFFICENS

    kind = cell.attributes.get((OFFICENS, "value-type"))
    if kind == "date":
        text = cell.attributes.get((OFFICENS, "date-value"), "")
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if kind in ("float", "percentage", "currency"):
        number = float(cell.attributes.get((OFFICENS, "value"), "nan"))
        return teletype.extractText(cell) if kind != "float" else number
    return teletype.extractText(cell)


def _repeat(node, attribute: str) -> int:
    from odf.namespaces import TABLENS

    return min(int(node.attributes.get((TABLENS, attribute), "1") or 1), MAX_REPEAT)


def _rows(table) -> list[list]:
    rows: list[list] = []
    for node in table.getElementsByType(_element("TableRow")):
        cells: list = []
        for cell in node.childNodes:
            if cell.qname[1] in ("table-cell", "covered-table-cell"):
                cells.extend([_value(cell)] * _repeat(cell, "number-columns-repeated"))
        while cells and cells[-1] in ("", None):
            cells.pop()
        rows.extend([cells] * (_repeat(node, "number-rows-repeated") if cells else 1))
    return rows


def _element(name: str):
    from odf import table

    return getattr(table, name)


def sheets(document) -> list[tuple[str, list[list]]]:
    from odf.namespaces import TABLENS

    return [(sheet.attributes.get((TABLENS, "name"), ""), _rows(sheet))
            for sheet in document.spreadsheet.getElementsByType(_element("Table"))]
