"""A PDF's title, which every passage of it is embedded and searched with (as a web
page's are with its <title>): the title its metadata gives, unless that is empty or only
names a file, else the largest type at the top of its first page — a paper's title,
which pdfLaTeX leaves out of the metadata unless hyperref is told it."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

TITLE_SCALE = 1.3  # a title's type is at least this much larger than the page's body text
SAME = 1.1  # sizes within 10% of each other are one size
MAX_TITLE = 150  # characters
LOOK = 600  # characters from the page's start in which its title must begin
_NO_TITLE = re.compile(r"^[(<\[]?\s*(?:untitled|anonymous|no title|title|document\d*)\s*[)>\]]?$"
                       r"|^microsoft (?:word|powerpoint|excel)\b", re.IGNORECASE)  # what tools write for no title


def metadata_title(document, path: Path) -> str:
    """The metadata's title, when it says more than the file's name."""
    title = " ".join((document.get_metadata_dict().get("Title") or "").split())
    if not title or len(title) > MAX_TITLE or _NO_TITLE.match(title) or _file_name(title, path):
        return ""
    return title


_FILE_TYPES = (".pdf", ".doc", ".docx", ".odt", ".tex", ".dvi", ".ps")


def _file_name(title: str, path: Path) -> bool:
    """The title is the file's name ("shared-mime-info-spec-scan"), or some file's ("report.docx")."""
    def squeezed(text: str) -> str:
        return re.sub(r"[\W_]+", "", text.lower())

    stem = path.name.lower().removesuffix(".gz").removesuffix(".bz2").removesuffix(".xz").removesuffix(".pdf")
    return squeezed(title) in {squeezed(stem), squeezed(path.name)} or title.lower().endswith(_FILE_TYPES)


def largest_type(chars: str, sizes: list[float]) -> str:
    """The first text near the page's top set at least ``TITLE_SCALE`` times the page's body
    size (its most common one): on, through smaller letters within a line ("BibTeX" in small
    capitals), up to body-sized text or a line in another size (the authors under a title)."""
    body = _body_size(chars, sizes)
    first = next((i for i in range(min(len(chars), LOOK))
                  if not chars[i].isspace() and sizes[i] >= TITLE_SCALE * body), None) if body else None
    if first is None:
        return ""
    end, new_line = first, False
    while end < len(chars):
        if chars[end].isspace():
            new_line = new_line or chars[end] in "\r\n"
        elif sizes[end] <= SAME * body or (new_line and abs(sizes[end] - sizes[first]) > (SAME - 1) * sizes[first]):
            break
        else:
            new_line = False
        end += 1
    title = " ".join(chars[first:end].split())
    return title if 3 <= len(title) <= MAX_TITLE and any(c.isalpha() for c in title) else ""


def _body_size(chars: str, sizes: list[float]) -> float:
    seen = [round(size, 1) for char, size in zip(chars, sizes) if not char.isspace()]
    return statistics.mode(seen) if seen else 0.0
