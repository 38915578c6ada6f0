"""How long a question and its conversation may be. A question or history over
these is refused (``QuestionError``, HTTP 400) naming the limit, before any work
is done; ``ASSISTANT_MAX_QUESTION_CHARS`` and ``ASSISTANT_MAX_HISTORY_TURNS`` raise them."""

from __future__ import annotations

import os

from assistant.errors import QuestionError

QUESTION_CHARS = 4000
HISTORY_TURNS = 200
FOLLOW_UP_WINDOW = 12  # the earlier turns a follow-up is resolved against (older ones are not referents)


def _limit(name: str, default: int) -> int:
    raw = os.environ.get(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise QuestionError(f"{name}={raw!r} is not a whole number") from None


def check(question: str, history: list) -> None:
    most = _limit("ASSISTANT_MAX_QUESTION_CHARS", QUESTION_CHARS)
    if len(question) > most:
        raise QuestionError(f"the question is {len(question)} characters long, over the limit of {most}; ask a "
                            "shorter question (ASSISTANT_MAX_QUESTION_CHARS raises the limit)")
    turns = _limit("ASSISTANT_MAX_HISTORY_TURNS", HISTORY_TURNS)
    if len(history) > turns:
        raise QuestionError(f"the history has {len(history)} turns, over the limit of {turns}; start a new "
                            "conversation (ASSISTANT_MAX_HISTORY_TURNS raises the limit)")
    for turn in history:
        if len(str(turn)) > most:
            raise QuestionError(f"a history turn is {len(str(turn))} characters long, over the limit of {most}; "
                                "send the earlier questions as they were asked")
