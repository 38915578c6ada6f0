"""Citations as the terminal shows them: where (path, page, section) and what
(the quoted text, trimmed), with citations of overlapping text merged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.types import Citation

QUOTE_CHARS = 240


@dataclass
class _Group:
    numbers: list[int]
    source: str
    page: int | None
    section: str | None
    start: int
    end: int
    quote: str
    ocr: bool = False


def merge(citations: Iterable[Citation]) -> list[_Group]:
    """One group per run of citations whose spans in the same document overlap or touch."""
    groups: list[_Group] = []
    for c in sorted(citations, key=lambda c: (c.source, c.start, c.n)):
        last = groups[-1] if groups else None
        if last is not None and last.source == c.source and c.start <= last.end:
            if c.end > last.end:
                last.quote += c.quote[last.end - c.start:]
                last.end = c.end
            last.numbers.append(c.n)
        else:
            groups.append(_Group([c.n], c.source, c.page, c.section, c.start, c.end, c.quote, bool(c.ocr)))
    return sorted(groups, key=lambda g: min(g.numbers))


def trim(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


def format_citations(citations: Iterable[Citation]) -> list[str]:
    lines = []
    for group in merge(citations):
        marks = "".join(f"[{n}]" for n in sorted(group.numbers))
        where = group.source
        if group.page is not None:
            where += f", page {group.page}"
        if group.section:
            where += f" — {group.section}"
        if group.ocr:
            where += " (read by OCR)"
        lines.append(f"  {marks} {where}")
        lines.append(f"      “{trim(group.quote)}”")
    return lines
