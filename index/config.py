"""What an index is built with. Saved with each collection: a collection only
accepts the settings it was created with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from index.chunking import ENCODING
from index.embedders.minilm import Precision

SCHEMA_VERSION = 2  # 2: the keyword index holds stemmed terms


class IndexConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    embedder: str = "minilm"
    precision: Precision = Field("auto", description="bf16 where the CPU has native support, else fp32")
    chunk_tokens: int = Field(200, ge=16, le=8192)
    chunk_overlap: int = Field(32, ge=0)
    batch_size: int = Field(64, ge=1, description="texts per encoder batch")

    def saved_settings(self, model_id: str) -> dict:
        """The settings a collection is locked to (precision is not among them: bf16 and
        fp32 vectors of the same model are interchangeable, cosine >= 0.99)."""
        return {
            "embedding_model": model_id,
            "chunker": ENCODING,
            "chunk_tokens": self.chunk_tokens,
            "chunk_overlap": self.chunk_overlap,
            "schema": SCHEMA_VERSION,
        }
