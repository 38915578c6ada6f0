"""From start/end scores to the best answer span of each window, and its score
against the window's "no answer" score."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SpanLength:
    """How long an answer span may be. A span is free up to ``free`` tokens; each token beyond
    costs ``penalty`` logits, up to ``cap``, so a clause or a procedure is the answer when the
    reader clearly marks its end. Chosen on the reader dev splits for the shipped reader:
    ``python -m evals.answer_length`` (docs/answer-length.md, docs/shared-norm-trial.md).
    What ranks passages and decides declines is the best span of at most ``evidence`` tokens
    (SQuAD's usual cap), whatever the answer's length: the calibrations are fitted on it."""

    cap: int = 64
    free: int = 64
    penalty: float = 0.0
    evidence: int = 30


ANSWER_LENGTH = SpanLength()


@dataclass(frozen=True)
class WindowSpan:
    start_token: int  # positions in the window
    end_token: int
    score: float  # start + end logits of the span (less the long-span penalty)
    null: float  # start + end logits at [CLS]
    usual: float  # the window's best score of a span of at most ``SpanLength.evidence`` tokens

    @property
    def margin(self) -> float:
        """How much the span beats "no answer"; > 0 when the reader prefers the span."""
        return self.score - self.null

    @property
    def evidence(self) -> float:
        """How much the window's best answer of the usual length beats "no answer": what
        ranks passages and decides declines, so that the fusion weight and thresholds
        fitted on such spans keep their meaning whatever span is quoted."""
        return self.usual - self.null


def best_spans(start: np.ndarray, end: np.ndarray, context_starts: list[int], lengths: list[int],
               length: SpanLength = ANSWER_LENGTH, lines: list[np.ndarray] | None = None) -> list[WindowSpan]:
    """The best span in each window's passage tokens (``top_spans`` with one per window)."""
    return [spans[0] for spans in top_spans(start, end, context_starts, lengths, length, lines, k=1)]


def top_spans(start: np.ndarray, end: np.ndarray, context_starts: list[int], lengths: list[int],
              length: SpanLength = ANSWER_LENGTH, lines: list[np.ndarray] | None = None,
              k: int = 1) -> list[list[WindowSpan]]:
    """The ``k`` best spans in each window's passage tokens, best first: end not before
    start, at most ``length.cap`` long (scored down beyond ``length.free``), and, given
    each token's line number (``lines``: lines end where a list item, a table row or a
    paragraph does), within one line. ``lengths`` counts each window's passage tokens."""
    result = []
    for row, (first, count) in enumerate(zip(context_starts, lengths)):
        s = np.asarray(start[row, first : first + count], dtype=np.float64)
        e = np.asarray(end[row, first : first + count], dtype=np.float64)
        offset = np.arange(count)[None, :] - np.arange(count)[:, None]
        pairs = s[:, None] + e[None, :] - length.penalty * np.maximum(offset + 1 - length.free, 0)
        invalid = (offset < 0) | (offset >= length.cap)
        if lines is not None:
            invalid |= lines[row][:, None] != lines[row][None, :]
        pairs[invalid] = -np.inf
        null = float(start[row, 0]) + float(end[row, 0])
        usual = float(np.max(pairs, where=offset < length.evidence, initial=-np.inf))
        flat = np.argsort(pairs, axis=None)[::-1][:k]
        spans = []
        for index in flat:
            i, j = np.unravel_index(int(index), pairs.shape)
            if np.isfinite(pairs[i, j]) or not spans:
                spans.append(WindowSpan(first + int(i), first + int(j), float(pairs[i, j]), null, usual))
        result.append(spans)
    return result


_STOPS = set("[](){}<>\"“”‘’'")
_CLOSERS = ".,;:!?+%"
_OPENERS = "$€£¥#@+"
MAX_WORD = 80  # characters: longer runs (base64, minified code) are not extended over
_DOTTED = re.compile(r"[a-z0-9]\.[a-z0-9]")
_MIXED = re.compile(r"(?:[a-z]+\d+|\d+[a-z]+)[a-z0-9]*", re.IGNORECASE)
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[-:.]\d+)+")


def code_like(run: str) -> bool:
    """Whether a run of non-space characters is one name or number that word pieces
    split: a path, an option, a package or file name, a date, a time, a number with
    separators. Prose compounds ("three-tier", "right-handed", "Protestant/Catholic")
    are not."""
    if any(c in run for c in "_=\\") or run.startswith(("-", "/", "~/", "./")):
        return any(c.isalnum() for c in run)
    if _NUMBER.fullmatch(run) or _DOTTED.search(run):
        return True
    parts = [p for p in re.split(r"[-/]", run) if p]
    if "/" in run and len(parts) > 1 and not any(c.isupper() for c in run):
        return True
    return "-" in run and any(_MIXED.fullmatch(p) and not _ORDINAL.fullmatch(p) for p in parts)


def whole_words(text: str, first: int, last: int) -> tuple[int, int]:
    """``(first, last)`` widened so a span never starts or ends inside a name or number
    that word pieces split — ``/etc/apt/sources.list``, ``python3-dev``, ``dh_make``,
    ``--no-act``, ``2019-07-06``, ``10,000`` — which a reader may cut (it gave
    ``apt/sources``). Only such runs are widened over (``code_like``); the
    punctuation around them stays out."""
    run_start = first
    while (run_start > 0 and not text[run_start - 1].isspace() and text[run_start - 1] not in _STOPS
           and first - run_start < MAX_WORD):
        run_start -= 1
    run_end = last
    while (run_end < len(text) and not text[run_end].isspace() and text[run_end] not in _STOPS
           and run_end - last < MAX_WORD):
        run_end += 1
    while run_end > last and text[run_end - 1] in _CLOSERS:
        run_end -= 1
    while run_start < first and text[run_start] in _OPENERS:
        run_start += 1
    if (run_start < first or run_end > last) and code_like(text[run_start:run_end]):
        return run_start, run_end
    return first, last
