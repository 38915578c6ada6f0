"""How much of an index is page furniture rather than content.

Counts the chunks that hold navigation links ("Prev", "Next", "Table of
Contents"), running headers or footers of paged documents (a line repeated on
many pages of one PDF), or table-of-contents and back-of-book index lines
("Debian archive, 12, 45", "2.1 Choose your program ..... 9"). The detectors
look only at the stored chunk text, so they measure any loader the same way.

    python -m evals.noise STORE/.../COLLECTION.sqlite3 [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

NAV_LINES = {
    "prev", "previous", "next", "up", "home", "contents", "table of contents", "index", "top",
    "download the ebook", "skip to content", "navigation", "show source", "quick search", "this page",
}
NAV_RUN = re.compile(r"^(?:(?:prev(?:ious)?|next|up|home|index|modules)\b[\s|»«]*){2,}", re.I)
LEADER = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}\b")
INDEX_LINE = re.compile(r"(?:(?:\.\s?){3,}|…{2,}|\s{3,})\s*\d{1,4}$|^[^\d,]{2,60}(?:,\s*\d{1,4}(?:[-–]\d{1,4})?){1,}$")
TOC_LINE = re.compile(r"^(?:\d+|[A-Z])(?:\.\d+)*\.?\s+[A-Za-z].{0,90}?\s\d{1,4}$")
HEADER_SHARE = 0.3


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def is_nav(line: str) -> bool:
    return line.lower().strip(" |»«") in NAV_LINES or bool(NAV_RUN.match(line))


def is_index(line: str) -> bool:
    return bool(INDEX_LINE.search(line) or TOC_LINE.match(line))


def running_headers(rows: list[tuple[str, int | None, str]]) -> dict[str, set[str]]:
    """Per paged source, the short line shapes found on at least ``HEADER_SHARE`` of its pages."""
    by_source: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for source, page, text in rows:
        if page is not None:
            by_source[source][page] |= {_shape(line) for line in _lines(text) if len(line) <= 80}
    headers = {}
    for source, pages in by_source.items():
        if len(pages) < 5:
            continue
        counts = Counter(shape for shapes in pages.values() for shape in shapes)
        headers[source] = {shape for shape, n in counts.items() if n >= max(3, HEADER_SHARE * len(pages))}
    return headers


def measure(rows: list[tuple[str, int | None, str]]) -> dict:
    headers = running_headers(rows)
    flagged = Counter()
    noisy = 0
    for source, _page, text in rows:
        lines = _lines(text)
        kinds = set()
        if any(is_nav(line) for line in lines):
            kinds.add("navigation")
        if len(LEADER.findall(text)) + sum(is_index(line) and not LEADER.search(line) for line in lines) >= 2:
            kinds.add("index_or_toc")
        if any(_shape(line) in headers.get(source, ()) for line in lines):
            kinds.add("running_header")
        flagged.update(kinds)
        noisy += bool(kinds)
    total = len(rows) or 1
    return {
        "chunks": len(rows),
        "noisy_share": round(noisy / total, 4),
        **{f"{kind}_share": round(flagged[kind] / total, 4)
           for kind in ("navigation", "index_or_toc", "running_header")},
    }


def read_rows(catalog: Path) -> list[tuple[str, int | None, str]]:
    with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True) as db:
        return db.execute("SELECT source, page, text FROM chunks ORDER BY source, idx").fetchall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalog", type=Path, help="a collection's catalog file (COLLECTION.sqlite3)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(read_rows(args.catalog))
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
