"""The stand-alone question a person can check, shown as ``rewritten_question``.

``dialogue`` (default): an LLM answerer condenses from the whole dialogue, questions and
answers (its own ``rewrite``, falling back to the offline resolver); otherwise the
offline resolver (``followup.py``) on what the turn asks, without its pleasantries
(``utterance.py``). ``concat``: the last two questions joined to the
question, the baseline the dialogue retrieval is measured against. ``none``: the question.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.context import fenced
from assistant.dialogue import followup, utterance
from assistant.dialogue.turns import Turn, user_turns

CONCAT_TURNS = 2

Rewriter = Callable[[str, list[Turn]], str]


def condense(question: str, turns: list[Turn], mode: str = "dialogue", llm: Rewriter | None = None) -> str:
    if mode == "none":
        return question
    if mode == "concat":
        return " ".join([*user_turns(turns)[-CONCAT_TURNS:], question])
    if llm is not None:
        return llm(question, turns) if turns else question
    return followup.rewrite(utterance.core(question), turns)


def transcript(turns: list[Turn]) -> str:
    """The dialogue as an LLM reads it: ``User: …`` / ``Assistant: …`` lines, unable to close
    the prompt's ``<conversation>`` fence."""
    lines = (f"{'User' if t.role == 'user' else 'Assistant'}: {t.content}" for t in turns)
    return fenced("\n".join(lines), "conversation")
