"""From start/end scores to the best answer span of each window, and its score
against the window's "no answer" score."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ANSWER_TOKENS = 30


@dataclass(frozen=True)
class WindowSpan:
    start_token: int  # positions in the window
    end_token: int
    score: float  # start + end logits of the span
    null: float  # start + end logits at [CLS]

    @property
    def margin(self) -> float:
        """How much the span beats "no answer"; > 0 when the reader prefers the span."""
        return self.score - self.null


def best_spans(start: np.ndarray, end: np.ndarray, context_starts: list[int], lengths: list[int],
               max_tokens: int = MAX_ANSWER_TOKENS, lines: list[np.ndarray] | None = None) -> list[WindowSpan]:
    """The best span in each window's passage tokens (``top_spans`` with one per window)."""
    return [spans[0] for spans in top_spans(start, end, context_starts, lengths, max_tokens, lines, k=1)]


def top_spans(start: np.ndarray, end: np.ndarray, context_starts: list[int], lengths: list[int],
              max_tokens: int = MAX_ANSWER_TOKENS, lines: list[np.ndarray] | None = None,
              k: int = 1) -> list[list[WindowSpan]]:
    """The ``k`` best spans in each window's passage tokens, best first: end not before
    start, at most ``max_tokens`` long, and, given each token's line number (``lines``:
    lines end where a list item, a table row or a paragraph does), within one line.
    ``lengths`` counts each window's passage tokens."""
    result = []
    for row, (first, count) in enumerate(zip(context_starts, lengths)):
        s = np.asarray(start[row, first : first + count], dtype=np.float64)
        e = np.asarray(end[row, first : first + count], dtype=np.float64)
        pairs = s[:, None] + e[None, :]
        offset = np.arange(count)[None, :] - np.arange(count)[:, None]
        invalid = (offset < 0) | (offset >= max_tokens)
        if lines is not None:
            invalid |= lines[row][:, None] != lines[row][None, :]
        pairs[invalid] = -np.inf
        null = float(start[row, 0]) + float(end[row, 0])
        flat = np.argsort(pairs, axis=None)[::-1][:k]
        spans = []
        for index in flat:
            i, j = np.unravel_index(int(index), pairs.shape)
            if np.isfinite(pairs[i, j]) or not spans:
                spans.append(WindowSpan(first + int(i), first + int(j), float(pairs[i, j]), null))
        result.append(spans)
    return result
