"""Turn files into ``Document``s: one loader per format, chosen by extension.

Loaders raise ``LoadError`` naming the file and the reason; the sync step reports
it and moves on to the next file.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from index.documents import Document, Page
from index.errors import LoadError, UnsupportedFileError

Loader = Callable[[Path, str], list[Document]]
LOADERS: dict[str, Loader] = {}
MAX_TEXT_MB = 20  # one text file over this is refused: it would hold tens of thousands of chunks


def loader(*extensions: str) -> Callable[[Loader], Loader]:
    def register(fn: Loader) -> Loader:
        for ext in extensions:
            LOADERS[ext] = fn
        return fn

    return register


def supported(path: Path) -> bool:
    return path.suffix.lower() in LOADERS


def unsupported_reason(path: Path) -> str:
    return (f"unsupported file type {path.suffix or '(no extension)'!r}; "
            f"supported: {', '.join(sorted(LOADERS))}")


def load_file(path: Path, source: str) -> list[Document]:
    """Load ``path``; ``source`` is the name its documents are cited by."""
    fn = LOADERS.get(path.suffix.lower())
    if fn is None:
        raise UnsupportedFileError(path, unsupported_reason(path))
    try:
        return fn(path, source)
    except LoadError:
        raise
    except OSError as exc:
        raise LoadError(path, f"cannot read the file ({exc.strerror or exc}); check it exists and is readable") from exc


def read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_TEXT_MB * 2**20:
        raise LoadError(path, f"{size / 2**20:.0f} MB of text is over the {MAX_TEXT_MB} MB limit for one file; "
                              "split it into smaller files")
    return decode_text(path, path.read_bytes())


def decode_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise LoadError(path, "binary data, not text; give it the extension of its real format or remove it")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save the file as UTF-8",
        ) from exc


@loader(".txt", ".md", ".markdown", ".rst")
def load_text(path: Path, source: str) -> list[Document]:
    return [Document(source=source, text=read_text(path))]


class _VisibleText(HTMLParser):
    """Collects the text a browser would show: no scripts, styles or markup."""

    HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
    BLOCKS = {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "hr",
        "title", "main", "nav", "aside", "figcaption", "td", "th",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        if tag == "title":
            self._in_title = True
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self.hidden_depth:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line)


@loader(".html", ".htm")
def load_html(path: Path, source: str) -> list[Document]:
    parser = _VisibleText()
    parser.feed(read_text(path))
    parser.close()
    return [Document(source=source, text=parser.text(), title=" ".join(parser.title.split()))]


def _unwrap(text: str) -> str:
    """Join the lines a PDF wrapped mid-sentence: a line that does not end a
    sentence and is long (not a heading), or that goes on in lower case."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        previous = out[-1].rstrip()
        wrapped = previous and previous[-1] not in ".!?:;" and (len(previous) >= 50 or line[:1].islower())
        if wrapped and line.strip():
            out[-1] = previous + " " + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


@loader(".pdf")
def load_pdf(path: Path, source: str) -> list[Document]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise LoadError(path, "the PDF is encrypted; save an unencrypted copy and index that")
        texts = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise LoadError(path, f"not a readable PDF ({type(exc).__name__}: {exc}); re-export or repair it") from exc
    pages, parts, offset = [], [], 0
    for number, page_text in enumerate(texts, start=1):
        page_text = _unwrap(page_text.strip())
        if not page_text:
            continue
        if parts:
            parts.append("\n\n")
            offset += 2
        parts.append(page_text)
        pages.append(Page(number=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text)
    if not pages:
        raise LoadError(path, "the PDF has no extractable text (scanned images?); run OCR on it first")
    return [Document(source=source, text="".join(parts), pages=tuple(pages))]


@loader(".docx")
def load_docx(path: Path, source: str) -> list[Document]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(path, f"not a readable .docx ({type(exc).__name__}); open and re-save it in Word or LibreOffice") from exc
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(cell.text for cell in row.cells))
    text = "\n".join(p for p in paragraphs if p.strip())
    return [Document(source=source, text=text, title=document.core_properties.title or "")]


@loader(".jsonl")
def load_jsonl(path: Path, source: str) -> list[Document]:
    """A BEIR corpus: each line ``{"_id", "title", "text"}`` is one document named by its ``_id``."""
    return list(iter_beir_corpus(path))


def iter_beir_corpus(path: Path) -> Iterator[Document]:
    seen: set[str] = set()
    with path.open("rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            where = f"{path}:{line_number}"
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise LoadError(where, f"malformed JSON ({exc.msg}); each line must be one JSON object") from exc
            if not isinstance(record, dict) or "_id" not in record or "text" not in record:
                raise LoadError(where, 'each line needs "_id" and "text" (BEIR layout)')
            doc_id = str(record["_id"])
            if doc_id in seen:
                raise LoadError(where, f"duplicate _id {doc_id!r}; ids must be unique")
            seen.add(doc_id)
            yield Document(source=doc_id, text=str(record["text"]), title=str(record.get("title") or ""))
