"""Repairs for the mistakes Tesseract makes in the names manuals are read for.

- ``l`` read as ``1`` and ``o`` as ``0`` inside a word ("htm1.xm1", "deleteal1"): the
  letter is put back when that makes a word English knows or the document writes
  elsewhere, and the digit-bearing form is neither.
- a file name split at its dot ("Override. xml", "diff. xml"): joined again when what
  follows the dot is a common file extension in lower case.
- a double dash read as "==" before an option's name ("==strict").
- a list's bullet read as another mark ("*", "«", "¢", "©", "°") at the start of a line.

Applied to OCR'd pages only; a page's text layer is never changed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

EXTENSIONS = ("xml|html|htm|txt|conf|cfg|list|json|yaml|yml|ini|log|pdf|py|sh|gz|tar|deb|rpm|md|css|js|csv|png|jpg|"
              "svg|so|cache|desktop|service|rules|d|c|h")
_SPLIT_NAME = re.compile(rf"(?<=[\w-])\. ({EXTENSIONS})(?=[\s:;,)\"'’”]|$)")
_DASHES = re.compile(r"(?<!\S)==(?=[a-z])")
_BULLET = re.compile(r"^[*«»¢©®°·] (?=\S)", re.MULTILINE)
_SEGMENT = re.compile(r"[A-Za-z0-9]+")
_CONFUSED = str.maketrans({"1": "l", "0": "o"})
MIN_ZIPF = 3.0  # wordfreq: a word at least this common in English is a known word


@lru_cache(maxsize=50_000)
def _known(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= MIN_ZIPF


def vocabulary(texts: Iterable[str]) -> set[str]:
    """The lower-cased letter runs a document writes (its own names: "deleteall", "mime")."""
    return {w.lower() for text in texts for w in re.findall(r"[A-Za-z]{3,}", text)}


def _letters_back(segment: str, known: set[str]) -> str:
    letters, digits = sum(c.isalpha() for c in segment), sum(c.isdigit() for c in segment)
    if not re.search(r"[A-Za-z][10]|[10][A-Za-z]", segment) or letters < 2 * digits or letters < 2:
        return segment  # "100m", "v10", "i18n" stay numbers and numeronyms
    fixed = segment.translate(_CONFUSED)
    if fixed.isalpha() and (fixed.lower() in known or _known(fixed.lower())) and not _known(segment.lower()):
        return fixed
    return segment


def repaired(text: str, known: set[str]) -> str:
    """``text`` (one OCR'd page) with the repairs above; ``known``: the document's ``vocabulary``."""
    text = _SPLIT_NAME.sub(r".\1", text)
    text = _DASHES.sub("--", text)
    text = _BULLET.sub("• ", text)
    return _SEGMENT.sub(lambda m: _letters_back(m.group(), known), text)
