"""A document other than a PDF as an HTML fragment: its text as indexed, with the quote
marked (``<mark id="quote">``, which the viewer scrolls to), under the heading of its
section; a table row is shown in its table. Everything from the document is escaped."""

from __future__ import annotations

from markupsafe import Markup

WINDOW = 6000  # characters of text shown before and after the quote


def text_fragment(text: str, start: int, end: int, section: str | None) -> str:
    """The quote ``text[start:end]`` marked, with up to ``WINDOW`` characters around it."""
    lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
    before, quote, after = text[lo:start], text[start:end], text[end:hi]
    heading = Markup("<h3 class='section'>{}</h3>").format(section) if section else Markup("")
    body = Markup("<div class='document-text' style='white-space: pre-wrap'>{}{}<mark id='quote'>{}</mark>{}{}</div>")
    return str(heading + body.format("… " if lo else "", before, quote, after, " …" if hi < len(text) else ""))


def table_fragment(title: str, header: tuple[str, ...], rows: list[tuple[int, tuple[str, ...]]], marked: int) -> str:
    """The table with row number ``marked`` highlighted (``id="quote"``)."""
    head = Markup("").join(Markup("<th>{}</th>").format(h) for h in ("row", *header))
    lines = []
    for number, cells in rows:
        padded = (*cells, *[""] * (len(header) - len(cells)))
        cells_html = Markup("").join(Markup("<td>{}</td>").format(c) for c in (str(number), *padded))
        attributes = Markup(" id='quote' class='marked'") if number == marked else Markup("")
        lines.append(Markup("<tr{}>{}</tr>").format(attributes, cells_html))
    return str(Markup("<h3 class='section'>{}</h3><table class='document-table'><thead><tr>{}</tr></thead>"
                      "<tbody>{}</tbody></table>").format(title, head, Markup("").join(lines)))

