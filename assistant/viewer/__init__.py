"""The document viewer: a citation opened in its document. A PDF's page (text or scanned)
or an image file's page comes back as an image with the quote's boxes highlighted; other
documents as an HTML fragment of their indexed text with the quote marked, a table row
in its table.

Documents are found by their source in the collection's catalog, never by a path the
caller gives: a source the catalog does not list (``..``, an absolute path) is
``DocumentNotFound``."""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import DocumentNotFound
from assistant.viewer.fragment import table_fragment, text_fragment

MAX_SPAN = 20_000  # characters a highlight may cover


@dataclass(frozen=True)
class View:
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _indexed(collection, source: str) -> tuple[str, str]:
    """``(file, document hash)`` of an indexed source."""
    for name, file, _ in collection.catalog.documents():
        if name == source:
            return file, collection.catalog.document_hashes(file).get(source, "")
    raise DocumentNotFound(f"no document {source!r} in collection {collection.name!r}; "
                           f"GET /v1/collections/{collection.name}/documents lists them")


def original(collection, source: str) -> Path:
    """The file ``source`` was indexed from, when it is a file of its own (not one record of a
    BEIR corpus) and still there."""
    file, _ = _indexed(collection, source)
    path = Path(file)
    others = [s for s, f, _ in collection.catalog.documents() if f == file]
    if others != [source] or not path.is_file():
        raise DocumentNotFound(f"the file of {source!r} is not available for download")
    return path


def _page_at(collection, source: str, offset: int) -> int | None:
    pages = collection.catalog.chunk_pages(source)
    starts = [start for start, _, _ in pages]
    i = bisect.bisect_right(starts, offset) - 1
    return pages[i][2] if i >= 0 else None


def view(collection, source: str, start: int, end: int, page: int | None = None) -> View:
    """``source`` opened at characters ``[start, end)`` of its indexed text."""
    file, doc_hash = _indexed(collection, source)
    text = collection.document_text(source)
    if not 0 <= start <= end <= len(text) or end - start > MAX_SPAN:
        raise DocumentNotFound(f"characters {start}-{end} are not a passage of {source!r} "
                               f"(its text has {len(text)}; a highlight covers at most {MAX_SPAN})")
    quote = text[start:end]
    cited = next(((t, r) for t in collection.extras.tables_of([source]) if (r := t.row_at(start)) is not None), None)
    paged = _paged(Path(file))
    if paged is not None:
        number = page or _page_at(collection, source, start) or 1
        # a table row of a PDF is cited as a record ("Ticket: Day pass; Adult: 9.50"); the page shows its cells
        image = paged(Path(file), doc_hash, number, " ".join(cited[1].cells) if cited is not None else quote)
        return View("image/png", image.png, {
            "X-Page": str(number), "X-Pages": str(image.pages),
            "X-Highlight": json.dumps([list(b) for b in image.boxes]), "Cache-Control": "private, max-age=300"})
    if cited is not None:
        table, row = cited
        rows = [(r.number, r.cells) for r in table.table.rows]
        body = table_fragment(table.table.title, table.table.header, rows, row.number)
        return View("text/html; charset=utf-8", body.encode(), {"X-Row": str(row.number)})
    section = next((title for offset, title in reversed(_sections(collection, source)) if offset <= start), None)
    return View("text/html; charset=utf-8", text_fragment(text, start, end, section).encode())


def _paged(path: Path):
    """How a page of ``path`` is drawn with a quote highlighted, when it is a PDF (compressed or
    not) or an image file that is still there."""
    from index.loaders.registry import IMAGES, format_of

    if not path.is_file():
        return None
    if format_of(path) == ".pdf":
        from assistant.viewer import pdf_page

        return pdf_page.page_image
    if path.suffix.lower() in IMAGES:
        from assistant.viewer import image_page

        return image_page.page_image
    return None


def _sections(collection, source: str) -> list[tuple[int, str]]:
    """The headings of ``source`` with their offsets, from its chunks' sections."""
    seen: dict[int, str] = {}
    for chunk in collection.chunks(collection.catalog.chunk_ids([source])).values():
        seen.update({int(offset): title for offset, title in json.loads(chunk.sections or "[]")})
    return sorted(seen.items())
