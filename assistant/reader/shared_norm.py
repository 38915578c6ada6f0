"""Shared normalisation: one softmax over every window a question is read with.

At run time the reader compares passages by their margin (best span score minus the
window's own no-answer score, ``spans.ReaderSpan.margin``). Trained one window at a
time, margins of different windows never meet in the loss, so nothing makes them
comparable: a confident wrong span in a look-alike passage can outscore the right one.
Clark and Gardner (2018) and Wang et al. (2019, "Multi-passage BERT") fix this by
normalising the start and end scores over all passages of a question together.

Here each window's scores are taken relative to its [CLS] score (the run-time margin),
the context tokens of all windows of one question draw are pooled with a single 0 for
"no answer anywhere", and the loss is the negative log of the probability of the gold
positions (all of them, when overlapping windows both hold the answer) or of that 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def context_mask(lengths: Sequence[int], context_starts: Sequence[int], width: int, device: torch.device) -> torch.Tensor:
    """(windows, width) booleans: True on each window's passage tokens."""
    positions = torch.arange(width, device=device)
    starts = torch.tensor(list(context_starts), device=device)[:, None]
    ends = starts + torch.tensor(list(lengths), device=device)[:, None]
    return (positions >= starts) & (positions < ends)


def _one_side(logits: torch.Tensor, gold: torch.Tensor, mask: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
    relative = (logits - logits[:, :1]).masked_fill(~mask, float("-inf"))
    losses = []
    for group in torch.unique(groups):
        rows = groups == group
        pooled = relative[rows].reshape(-1)
        scores = torch.cat([pooled.new_zeros(1), pooled])
        hits = torch.zeros_like(relative[rows], dtype=torch.bool)
        answered = gold[rows] > 0
        hits[answered.nonzero().squeeze(1), gold[rows][answered]] = True
        target = torch.cat([(~hits.any()).reshape(1), hits.reshape(-1)])
        losses.append(torch.logsumexp(scores, 0) - torch.logsumexp(scores[target], 0))
    return torch.stack(losses).mean()


def shared_loss(start: torch.Tensor, end: torch.Tensor, gold_start: torch.Tensor, gold_end: torch.Tensor,
                mask: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
    """Mean over question draws (``groups``: one id per window) of the start and end losses."""
    return (_one_side(start, gold_start, mask, groups) + _one_side(end, gold_end, mask, groups)) / 2
