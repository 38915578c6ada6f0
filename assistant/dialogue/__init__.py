"""The conversation: earlier turns (``Turn``), what a follow-up means given them
(``rewrite``) and how it is searched (``DialogueRetriever``)."""

from assistant.dialogue import replay, rewrite
from assistant.dialogue.turns import Turn, as_turns, user_turns

__all__ = ["Turn", "as_turns", "replay", "rewrite", "user_turns"]
