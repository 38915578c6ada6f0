"""The headings of a plain-text document, so its passages are cited by section as a web
page's are: a line underlined (or over- and underlined) with one repeated mark, as
reStructuredText, Sphinx's and DocBook's text builders and Markdown write them, and a
numbered heading ("2.1. Getting started", "Chapter 3. Modifying the source") standing
alone between blank lines. The underlines are left out, and so is a table of contents —
a run of lines that each name a heading of the document — which would otherwise be found
for every question its headings' words match.

A single-level number ("2. First steps") is a heading only when the document also numbers
headings under it ("2.1. …") or calls it a chapter, so a numbered list is not taken for one.
"""

from __future__ import annotations

import re

from index.documents import Section

_UNDERLINE = re.compile(r"""^([=\-*~^#"+`:'_])\1{2,}[ \t]*$""")
_NUMBERED = re.compile(r"^(?:(?:Chapter|Appendix|Part)\s+)?(?P<number>\d{1,2}|[A-Z])(?P<deeper>(?:\.\d{1,2}){1,3})?\.?"
                       r"\s+\S.{0,98}$")
_CHAPTER = re.compile(r"^(?:Chapter|Appendix|Part)\s", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[*\-•⁃]\s+)?")
_MAX_TITLE = 100
_TOC_RUN = 3


def outline(text: str) -> tuple[str, tuple[Section, ...]]:
    """``text`` without heading underlines and its table of contents, and its sections."""
    lines = text.splitlines(keepends=True)
    headings = _headings(lines)
    titles = {_key(lines[i]) for i in headings}
    underlined = [i for i, kind in headings.items() if kind == "underlined"]
    marks = {i + 1 for i in underlined} | {i - 1 for i in underlined if i > 0 and _UNDERLINE.match(lines[i - 1])}
    dropped = (marks - set(headings)) | _contents(lines, titles, set(headings))
    kept, sections, length = [], [], 0
    for i, line in enumerate(lines):
        if i in dropped:
            continue
        if i in headings:
            sections.append(Section(length + len(line) - len(line.lstrip()), " ".join(line.split())))
        kept.append(line)
        length += len(line)
    return "".join(kept), tuple(sections)


def _headings(lines: list[str]) -> dict[int, str]:
    """Line numbers of headings, and how each is marked (``underlined`` or ``numbered``)."""
    found: dict[int, str] = {}
    for i, line in enumerate(lines[:-1]):
        title = line.strip()
        below = lines[i + 1]
        if (title and len(title) <= _MAX_TITLE and not _UNDERLINE.match(line) and _UNDERLINE.match(below)
                and len(below.strip()) >= max(3, int(0.8 * len(title)))):
            found[i] = "underlined"
    deeper = {m.group("number") for line in lines if (m := _NUMBERED.match(line)) and m.group("deeper")}
    for i, line in enumerate(lines):
        match = _NUMBERED.match(line)
        if (i in found or match is None or line[0].isspace() or line.rstrip()[-1] in ".,;:"
                or not _alone(lines, i)):
            continue
        if match.group("deeper") or match.group("number") in deeper or _CHAPTER.match(line):
            found[i] = "numbered"
    return dict(sorted(found.items()))


def _alone(lines: list[str], i: int) -> bool:
    return (i == 0 or not lines[i - 1].strip()) and (i + 1 >= len(lines) or not lines[i + 1].strip())


def _key(line: str) -> str:
    """A heading or contents line as the two are compared: no bullet, "Chapter", case or spacing."""
    return " ".join(_CHAPTER.sub("", _BULLET.sub("", line).strip()).lower().split())


def _contents(lines: list[str], titles: set[str], headings: set[int]) -> set[int]:
    """The lines of runs of at least ``_TOC_RUN`` lines (blank lines between allowed) that each
    name a heading and are not headings themselves."""
    dropped: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if i not in headings and _key(line) in titles:
            run.append(i)
            continue
        dropped.update(run if len(run) >= _TOC_RUN else ())
        run = []
    dropped.update(run if len(run) >= _TOC_RUN else ())
    return dropped
