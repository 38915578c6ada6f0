"""HTML: the page's own content, without navigation, headers, footers or sidebars.

Headings become section titles on lines of their own; list items and table rows
are lines; the rest are paragraphs. Page furniture is recognised by what it is
(``nav``, ARIA roles, the class names documentation generators give it: DocBook's
``navheader``, Publican's ``docnav`` and ``banner``, Sphinx's ``related`` and
``sphinxsidebar``) and by what it looks like (a block whose text is nearly all link
text: tables of contents, link bars). An ``aside`` or a ``sidebar`` is furniture only
when it is not running text: DocBook's sidebars are the boxed notes of a manual ("TIP",
"CULTURE Origin of the Debian name"), Sphinx's asides its footnotes and topics, and they
hold facts found nowhere else.

Why not trafilatura or readability: on the Debian manuals (DocBook and Sphinx,
``evals/debian-docs``) trafilatura 2.3 dropped every DocBook section heading
and moved inline ``<code>`` words out of their sentences ("the character
separating <code/> and <code>package</code>"); readability keeps one "main"
block and loses the rest of multi-part pages. Documentation pages mark their
furniture well, so rules on that markup keep all of the text in order.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.documents import Document
from index.errors import LoadError
from index.loaders.builder import TextBuilder
from index.loaders.registry import loader
from index.loaders.sheets import document_table, holds_data
from index.loaders.text import read_bytes

HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "form", "button",
          "input", "select", "nav", "header", "footer", "menu"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LINES = {"li", "tr", "dt", "dd", "caption", "figcaption"}
BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "ul", "ol", "dl", "table", "tbody", "thead",
          "body", "center", "address", "details", "summary", "hr", "br", "td", "th"}
FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav\w*|docnav|banner|breadcrumbs?|sphinxsidebar\w*|related|footer|toc|"
    r"skip-?link|pagination|headerlink|menu|masthead|cookie\w*|share|social)(?:$|[\s_-])",
    re.I,
)
FOOTNOTES = re.compile(r"(?:^|[\s_-])footnotes?(?:$|[\s_-])", re.I)
SIDEBAR_CLASS = re.compile(r"(?:^|[\s_-])sidebar\w*(?:$|[\s_-])", re.I)
LINK_DENSITY = 0.75
NOTE_WORDS = 10  # words outside links that make a sidebar a boxed note, not a column of links


def _is_furniture(element) -> bool:
    if element.tag == "aside":
        return not FOOTNOTES.search(element.get("class") or "") and not _running_text(element)
    if element.tag in HIDDEN:
        return element.tag != "header" or element.find(".//h1") is None
    if (element.get("role") or "").lower() in FURNITURE_ROLES or element.get("hidden") is not None:
        return True
    names = _names(element)
    if names and FURNITURE_CLASS.search(names):
        return True
    if names and SIDEBAR_CLASS.search(names):
        return not _running_text(element)
    if element.tag in {"ul", "ol", "dl", "table", "div", "p"}:
        links = element.findall(".//a")
        if len(links) >= 3:
            text = len(" ".join(element.text_content().split()))
            linked = sum(len(" ".join(a.text_content().split())) for a in links)
            return text > 0 and linked / text >= LINK_DENSITY and not _holds_prose(element)
    return False


def _names(element) -> str:
    """Its class names, and its id unless it is a section of the text: Sphinx and DocBook take a
    section's id from its heading ("handling-security-related-bugs", "related-documents")."""
    classes = element.get("class") or ""
    section = element.tag == "section" or "section" in classes.split()
    return f"{classes} {'' if section else element.get('id') or ''}".strip()


def _running_text(element) -> bool:
    """``NOTE_WORDS`` or more words outside links, and links at most half of its words."""
    words = len(element.text_content().split())
    linked = sum(len(a.text_content().split()) for a in element.iter("a"))
    return words - linked >= NOTE_WORDS and linked <= 0.5 * words


def _holds_prose(element) -> bool:
    """A paragraph of running text: a page's introduction above its table of contents, which the
    links around it would otherwise drop with the contents."""
    return any(_running_text(paragraph) for paragraph in element.iter("p"))


class _Walker:
    def __init__(self, builder: TextBuilder):
        self.builder = builder
        self.inline: list[str] = []
        self.kind = "paragraph"

    def flush(self) -> None:
        text = " ".join("".join(self.inline).split())
        self.inline = []
        if text:
            getattr(self.builder, self.kind)(text)
        self.kind = "paragraph"

    def walk(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or _is_furniture(element):
            self._tail(element)
            return
        if tag in HEADINGS:
            self.flush()
            self.builder.heading(element.text_content().replace("¶", ""))
        elif tag == "table" and (rows := _data_rows(element)):
            self.flush()
            caption = element.find("caption")
            document_table(rows, self.builder, "table",
                           " ".join(caption.text_content().split()) if caption is not None else None)
        elif tag == "pre":
            self.flush()
            for line in element.text_content().strip("\n").splitlines():
                self.builder.line(line.rstrip())
            self.builder.paragraph("")
        elif tag in LINES or tag in BLOCKS:
            self.flush()
            if tag in LINES:
                self.kind = "line"
            self._children(element)
            self.flush()
        else:
            self._children(element)
        self._tail(element)

    def _children(self, element) -> None:
        if element.text:
            self.inline.append(element.text)
        for child in element:
            self.walk(child)

    def _tail(self, element) -> None:
        if element.tail:
            self.inline.append(element.tail)


def _data_rows(table) -> list[list[str]] | None:
    """A table of data (not of layout): two or more rows of two or more cells with text, no
    table inside; its rows' cells as text. DocBook draws a note as a table of an icon, "Warning"
    and the text, each alone in its row: that is layout."""
    if table.find(".//table") is not None:
        return None
    rows = [[" ".join(cell.text_content().split()) for cell in row if cell.tag in ("td", "th")]
            for row in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")]
    rows = [row for row in rows if any(row)]
    return rows if holds_data(rows) else None


def html_into(data: bytes | str, builder: TextBuilder) -> str:
    """Add an HTML page's content to ``builder``; returns the page's title."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ValueError(f"not parseable HTML ({exc})") from exc
    title = " ".join((root.findtext(".//title") or "").split())
    body = root.find("body")
    walker = _Walker(builder)
    walker.walk(body if body is not None else root)
    walker.flush()
    return title


@loader(".html", ".htm", ".xhtml")
def load_html(path: Path, source: str) -> list[Document]:
    builder = TextBuilder()
    try:
        title = html_into(read_bytes(path), builder)
    except ValueError as exc:
        raise LoadError(path, f"{exc}; open it in a browser and save it again") from exc
    return [builder.build(source, title)]
