"""The narrow interface of a language model backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class LLM(Protocol):
    name: str

    def generate(self, prompt: str, max_tokens: int = 256) -> Iterator[str]:
        """Stream the completion of ``prompt`` as text pieces. Raises ``LLMError``."""
