"""The shared-normalisation loss: one softmax over the margins of all windows of a question."""

import math
import random

import numpy as np
import torch

from assistant.reader.shared_norm import context_mask, shared_loss
from assistant.reader.train import Example, grouped_batches
from assistant.reader.windows import Window

CPU = torch.device("cpu")


def loss(start, end, gold_start, gold_end, groups, lengths=(3, 3), width=6):
    mask = context_mask(lengths, [2] * len(lengths), width, CPU)
    return shared_loss(torch.tensor(start, dtype=torch.float), torch.tensor(end, dtype=torch.float),
                       torch.tensor(gold_start), torch.tensor(gold_end), mask, torch.tensor(groups)).item()


def test_equal_scores_give_the_log_of_the_number_of_choices():
    flat = [[0.0] * 6, [0.0] * 6]
    # one "no answer" plus three passage tokens in each of the two windows
    assert math.isclose(loss(flat, flat, [3, 0], [4, 0], [0, 0]), math.log(7), rel_tol=1e-5)
    # two draws of one window each: four choices each
    assert math.isclose(loss(flat, flat, [3, 0], [4, 0], [0, 1]), math.log(4), rel_tol=1e-5)


def test_a_confident_span_in_the_wrong_window_costs_more_than_in_its_own_window_alone():
    gold, wrong = [0.0, 0, 0, 2, 0, 0], [0.0, 0, 5, 0, 0, 0]
    alone = loss([gold], [gold], [3], [3], [0], lengths=(3,))
    beside = loss([gold, wrong], [gold, wrong], [3, 0], [3, 0], [0, 0])
    assert beside > alone + 1


def test_scores_are_taken_relative_to_each_windows_no_answer_score():
    scores = [[0.0, 0, 1, 2, 0, 0], [0.0, 0, 1, 0, 0, 0]]
    raised = [[4.0, 0, 5, 6, 4, 0], [0.0, 0, 1, 0, 0, 0]]  # window 0 all +4, its [CLS] too
    assert math.isclose(loss(scores, scores, [3, 0], [3, 0], [0, 0]), loss(raised, raised, [3, 0], [3, 0], [0, 0]),
                        rel_tol=1e-5)


def test_a_draw_without_an_answer_is_scored_on_its_no_answer_choice():
    low = [[0.0, 0, -5, -5, -5, 0]]
    high = [[0.0, 0, 5, 5, 5, 0]]
    assert loss(low, low, [0], [0], [0], lengths=(3,)) < 0.1 < loss(high, high, [0], [0], [0], lengths=(3,))


def window(length: int) -> Window:
    return Window(0, np.zeros(length, dtype=np.int64), np.zeros(length, dtype=np.int64), 1,
                  np.zeros((length - 2, 2), dtype=np.int64))


def test_batches_keep_each_draws_windows_together():
    examples = [Example(window(10 + g), 0, 0, group=g) for g in range(20) for _ in range(1 + g % 3)]
    plan = grouped_batches(examples, 8, random.Random(0))
    assert sorted(id(e) for b in plan for e in b) == sorted(id(e) for e in examples)
    where = {}
    for n, items in enumerate(plan):
        assert len(items) <= 8
        for e in items:
            assert where.setdefault(e.group, n) == n
