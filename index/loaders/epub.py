"""E-books (.epub): the chapters in reading order, each page of XHTML read like
HTML (``index.loaders.html``); the book's navigation document is left out."""

from __future__ import annotations

import zipfile
from pathlib import Path

from index.documents import Document
from index.errors import LoadError
from index.loaders.builder import TextBuilder
from index.loaders.html import html_into
from index.loaders.registry import loader


@loader(".epub")
def load_epub(path: Path, source: str) -> list[Document]:
    import ebooklib
    from ebooklib import epub

    try:
        book = epub.read_epub(str(path), options={"ignore_ncx": True})
    except (zipfile.BadZipFile, KeyError, ValueError, epub.EpubException) as exc:
        raise LoadError(path, f"not a readable .epub ({type(exc).__name__}: {exc}); re-export it") from exc
    builder = TextBuilder()
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
            continue
        try:
            html_into(item.get_content(), builder)
        except ValueError:
            continue  # an empty or malformed chapter file; the others still count
    titles = book.get_metadata("DC", "title")
    return [builder.build(source, titles[0][0] if titles else "")]
