"""The narrow interface every embedder implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    model_id: str
    """Saved with the index: a collection refuses a different one."""

    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""

    def fits(self, text: str) -> bool:
        """Whether the model reads ``text`` whole, without truncating it."""
