"""Earlier turns of a conversation: ``{"role": "user"|"assistant", "content": …}``.

A plain string is a user turn, so callers that pass earlier questions keep working.
An assistant turn may carry its short answer and the sources it cited: both are
context for the next question ("Who founded it?" → "Ada Lovelace" → "When did she die?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import QuestionError

_MARKERS = re.compile(r"\s*\[\d+\]")


class Turn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    role: Literal["user", "assistant"]
    content: str
    short_answer: str | None = Field(None, description="assistant turns: the answer itself, when there was a span")
    sources: tuple[str, ...] = Field((), description="assistant turns: the documents it cited")

    @property
    def said(self) -> str:
        """What the turn says, without citation markers; an assistant turn's short answer when it has one."""
        if self.role == "assistant" and self.short_answer:
            return self.short_answer
        return _MARKERS.sub("", self.content).strip()


def as_turns(history: Iterable[Any] | None) -> list[Turn]:
    """Earlier turns, oldest first, from strings, ``Turn``s or ``{"role", "content"}`` objects."""
    turns = []
    for position, item in enumerate(history or (), start=1):
        if isinstance(item, Turn):
            turns.append(item)
        elif isinstance(item, str):
            turns.append(Turn(role="user", content=item))
        elif hasattr(item, "as_turn"):  # an earlier ``Answer``
            turns.append(Turn.model_validate(item.as_turn()))
        elif isinstance(item, dict):
            try:
                turns.append(Turn.model_validate(item))
            except ValidationError as exc:
                problem = exc.errors()[0]
                field = ".".join(str(p) for p in problem["loc"]) or "turn"
                raise QuestionError(f"history turn {position}: {field}: {problem['msg']}; write each turn as a "
                                    'string or {"role": "user"|"assistant", "content": "…"}') from None
        else:
            raise QuestionError(f"history turn {position} is {type(item).__name__}; write each turn as a string "
                                'or {"role": "user"|"assistant", "content": "…"}')
    return [t for t in turns if t.content.strip()]


def user_turns(turns: Iterable[Turn]) -> list[str]:
    return [t.content for t in turns if t.role == "user"]
