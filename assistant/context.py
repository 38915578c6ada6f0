"""Pack retrieved passages into an LLM's context budget, best first.

Budgets are counted in tiktoken tokens. A passage that does not fit whole is cut
at a sentence boundary; what does not fit is dropped, never cut mid-sentence.
"""

from __future__ import annotations

import re

from index.chunking import count_tokens

from assistant.text import sentences
from assistant.types import Passage


def pack(passages: list[Passage], budget: int) -> list[Passage]:
    packed, used = [], 0
    for passage in passages:
        header = count_tokens(f"[{len(packed) + 1}] {passage.source}\n")
        cost = header + count_tokens(passage.text)
        if used + cost <= budget:
            packed.append(passage)
            used += cost
            continue
        kept = None
        for sentence in sentences(passage.text, offset=passage.start):
            text = passage.text[: sentence.end - passage.start]
            if used + header + count_tokens(text) > budget:
                break
            kept = passage.model_copy(update={"text": text, "end": sentence.end})
        if kept is not None:
            packed.append(kept)
        break
    return packed


def fenced(text: str, tag: str = "source") -> str:
    """Text that cannot open or close a ``<tag>`` block of a prompt: a ``<tag`` or
    ``</tag`` written in it loses its ``<`` (to ``‹``), so it reads the same to the
    model but is no fence. Nothing else changes, so quotes still match."""
    return re.sub(rf"<(/?)({re.escape(tag)})", lambda m: f"‹{m.group(1)}{m.group(2)}", text, flags=re.IGNORECASE)


def format_sources(passages: list[Passage]) -> str:
    blocks = []
    for n, p in enumerate(passages, start=1):
        page = f", page {p.page}" if p.page is not None else ""
        name = fenced(f"{p.source}{page}").replace('"', "'")
        blocks.append(f"<source id=\"{n}\" name=\"{name}\">\n{fenced(p.text)}\n</source>")
    return "\n\n".join(blocks)
