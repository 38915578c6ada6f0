"""Markdown as its reader sees it: rendered (CommonMark, with tables) and read like an
HTML page (``html.py``), so headings open sections, a pipe table stays a table, and link
targets, emphasis marks and code fences stay out of the text. Read as plain text, a
Markdown manual had no sections to cite and its answers came with "**" and "](https://…)"
around them."""

from __future__ import annotations

from pathlib import Path

from index.documents import Document
from index.loaders.builder import TextBuilder
from index.loaders.html import html_into
from index.loaders.registry import loader
from index.loaders.text import read_text


@loader(".md", ".markdown")
def load_markdown(path: Path, source: str) -> list[Document]:
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(read_text(path))
    builder = TextBuilder()
    if rendered.strip():
        html_into(f"<html><body>{rendered}</body></html>", builder)
    return [builder.build(source)]
