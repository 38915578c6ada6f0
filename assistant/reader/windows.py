"""Question and passage as the reader's input: ``[CLS] question [SEP] part of the
passage [SEP]``, in windows that overlap when a passage is longer than one window.

Each passage is tokenised once; windows are slices of its tokens, and every
passage token keeps its character offsets so a span maps back to the exact text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MAX_TOKENS = 384
STRIDE = 128  # tokens shared by consecutive windows of one passage
MAX_QUESTION_TOKENS = 64


@lru_cache(maxsize=4)
def tokenizer(folder: str):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


@dataclass(frozen=True)
class Tokens:
    ids: list[int]
    offsets: list[tuple[int, int]]  # character span of each token in the text


@dataclass(frozen=True)
class Window:
    passage: int  # index of the passage among those read together
    input_ids: np.ndarray
    token_type_ids: np.ndarray
    context_start: int  # first position of the passage's tokens in ``input_ids``
    offsets: np.ndarray  # (n, 2) character spans of the passage tokens in the window

    def __len__(self) -> int:
        return len(self.input_ids)


class Encoder:
    """Tokenises questions and passages and cuts them into windows."""

    def __init__(self, folder: str | Path, max_tokens: int = MAX_TOKENS, stride: int = STRIDE):
        self.tok = tokenizer(str(folder))
        self.cls = self.tok.token_to_id("[CLS]")
        self.sep = self.tok.token_to_id("[SEP]")
        self.max_tokens = max_tokens
        self.stride = stride

    def tokens(self, texts: list[str]) -> list[Tokens]:
        encodings = self.tok.encode_batch(texts, add_special_tokens=False)
        return [Tokens(e.ids, e.offsets) for e in encodings]

    def windows(self, question: Tokens, passage: Tokens, index: int = 0) -> list[Window]:
        q = question.ids[:MAX_QUESTION_TOKENS]
        head = [self.cls, *q, self.sep]
        budget = self.max_tokens - len(head) - 1
        step = max(budget - self.stride, 1)
        ids = passage.ids
        result, start = [], 0
        while True:
            part = ids[start : start + budget]
            input_ids = np.array(head + part + [self.sep], dtype=np.int64)
            types = np.zeros(len(input_ids), dtype=np.int64)
            types[len(head):] = 1
            offsets = np.array(passage.offsets[start : start + budget], dtype=np.int64).reshape(-1, 2)
            result.append(Window(index, input_ids, types, len(head), offsets))
            if start + budget >= len(ids):
                return result
            start += step


def batch(windows: list[Window]) -> dict[str, np.ndarray]:
    """Windows padded to the longest of them."""
    width = max(len(w) for w in windows)
    ids = np.zeros((len(windows), width), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for row, w in enumerate(windows):
        ids[row, : len(w)] = w.input_ids
        types[row, : len(w)] = w.token_type_ids
        mask[row, : len(w)] = 1
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}
