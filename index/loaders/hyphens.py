"""Whether a hyphen that ends a line of a typeset page splits one word ("manip-" +
"ulation") or writes a compound that happens to break there ("twenty-" + "two",
"long-" + "term"): typesetters break both the same way, and joining a compound makes
a word nobody searches for ("twentytwo").

The hyphen stays when the document writes the compound elsewhere; else the pieces are
joined when the joined word is a word (of the document, or of the reader's English
vocabulary), and kept apart with their hyphen only when each piece is a word of its own."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+-[a-z]+")
_JOINED = re.compile(r"[^\W\d_]+\x02[^\W\d_]+")  # pieces of a word split at a line's end, pdfium's mark between


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """The whole words of the embedding model's word-piece vocabulary (about 21,000 English words)."""
    from index.embedders.minilm import model_folder

    lines = (model_folder() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in lines if w.isalpha() and len(w) > 1)


class Hyphens:
    """The words and hyphenated compounds of one document's lines, to decide its line-end hyphens."""

    def __init__(self, pages: Iterable[Sequence[str]]):
        self.compounds: set[str] = set()
        self.words: set[str] = set()
        for lines in pages:
            split_before = False
            for line in lines:
                found = _WORD.findall(_JOINED.sub(" ", line))
                split_here = line.endswith("-")
                inner = found[1 if split_before else 0: -1 if split_here and found else None]
                self.words.update(w.lower() for w in inner)
                self.compounds.update(c.lower() for c in _COMPOUND.findall(line))
                split_before = split_here

    def keeps(self, head: str, tail: str) -> bool:
        """Whether ``head-`` at a line's end and ``tail`` opening the next are a compound."""
        head, tail = head.lower(), tail.lower()
        if f"{head}-{tail}" in self.compounds:
            return True
        if self._known(head + tail):
            return False
        return self._known(head) and self._known(tail)

    def _known(self, word: str) -> bool:
        return word in self.words or word in vocabulary()
