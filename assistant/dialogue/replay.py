"""A conversation given as the user's questions alone is answered again, turn by turn.

In a chat (the app, REST, the OpenAI-compatible endpoint) every earlier answer is in the
history, with the sources it cited, and those steer the next turn: its short answer names
what "she" is, and its cited page is where a follow-up is looked for first. A caller that
passes only the earlier questions (``assistant ask --history "…" --history "…"``, MCP
``ask``) would otherwise get another conversation than the one it replays. Answering the
unanswered turns first, each with the turns before it, gives the same context a live chat
would have had: answers are deterministic, so a replayed conversation is the chat's.

Measured on doc2dial's training dialogues (docs/dialogue-replay.md).
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.dialogue.turns import Turn
from assistant.types import Answer

AnswerFn = Callable[[str, list[Turn]], Answer]  # a question and its earlier turns -> the answer
# The most questions answered again: the dialogue retriever reads the last 8 user turns
# (``weights.json`` window), and each answer costs a reader pass.
REPLAYED = 8


def unanswered(turns: list[Turn]) -> list[int]:
    """The positions of the user turns not followed by an assistant turn."""
    return [i for i, t in enumerate(turns)
            if t.role == "user" and (i + 1 == len(turns) or turns[i + 1].role != "assistant")]


def replayed(turns: list[Turn], answer: AnswerFn, most: int = REPLAYED) -> list[Turn]:
    """``turns`` with each of the last ``most`` user turns that have no answer after them
    followed by the answer it gets when asked with the turns before it (already replayed)."""
    again = set(unanswered(turns)[-most:])
    if not again:
        return turns
    result: list[Turn] = []
    for i, turn in enumerate(turns):
        result.append(turn)
        if i in again:
            result.append(Turn.model_validate(answer(turn.content, result[:-1]).as_turn()))
    return result
