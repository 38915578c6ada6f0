"""What a conversational turn asks, without its pleasantries.

People open a turn with what the reader model was never trained on — "Hi, good
morning.", "Oh, o.k.", "That's awesome.", "I see." — and then ask. Leading
sentences that are not questions and say almost nothing (``FILLER_WORDS`` content
words or fewer, all of them common English words) are dropped; what is left is
searched and read. A turn that is nothing but such sentences stays as it is.
``personal``: the turn speaks in the first person, as people do in a conversation and
encyclopaedic questions do not; ``conversational``: a follow-up or such a turn.
Measured on doc2dial's training turns (``assistant.dialogue.calibrate``).
"""

from __future__ import annotations

import re

from assistant.text import STOPWORDS, common, words

FILLER_WORDS = 3
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
# "I need", "I'm", "my husband", "can we": the asker speaks of themselves ("WW I" and "the US" do not)
_FIRST_PERSON = re.compile(r"\bI(?:'m|'ve|'d|'ll|’m|’ve|’d|’ll)?\s+[a-z]|\b(?:[Mm]y|[Mm]e|[Mm]ine|[Ww]e|[Oo]ur|us)\b")


def _is_filler(sentence: str) -> bool:
    if sentence.rstrip().endswith("?"):
        return False
    meaningful = [w for w in words(sentence) if w not in STOPWORDS]
    return len(meaningful) <= FILLER_WORDS and all(common(w) for w in meaningful)


def personal(turn: str) -> bool:
    """The turn speaks of the asker's own case ("I need to know if my husband can use my GI Bill?"):
    a conversational turn even when it opens the conversation, read as the dialogue turns are."""
    return bool(_FIRST_PERSON.search(turn))


def core(turn: str) -> str:
    parts = _SENTENCE.split(turn.strip())
    while len(parts) > 1 and _is_filler(parts[0]):
        parts = parts[1:]
    return " ".join(parts)


def readings(turn: str) -> list[str]:
    """The ways the reader reads a conversational turn: the turn, and its questions alone when it
    says other things too. A rewritten turn can carry a remark with its pronoun resolved ("That's
    great, I'll give Medicare a read later. And when should I apply for disability benefits?"),
    and the reader then scores the whole far below the question alone; the answerer keeps the
    better-scored reading. Chosen on doc2dial's training turns (``assistant.dialogue.calibrate``)."""
    parts = _SENTENCE.split(turn.strip())
    asked = [p for p in parts if p.rstrip().endswith("?")]
    return [turn, " ".join(asked)] if asked and len(asked) < len(parts) else [turn]


def conversational(turn: str, follow_up: bool) -> bool:
    """A turn of a conversation: a follow-up, or a question of the asker's own case. Such turns
    are scored and quoted as the dialogue turns they were measured on."""
    return follow_up or personal(turn)
