"""A BERT encoder in plain torch, reading Hugging Face BERT weights by their names.

Why not ``transformers.BertModel``: importing transformers (and sentence-transformers
on top) costs ~4 s per process, which a command-line question pays every time. This
module imports torch and nothing else, computes the same vectors (cosine >= 0.9999,
``tests/test_bert.py``) and serves both the query embedder and the reader model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 384
    num_hidden_layers: int = 6
    num_attention_heads: int = 12
    intermediate_size: int = 1536
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.0

    @classmethod
    def from_file(cls, path: Path) -> "BertConfig":
        data = json.loads(Path(path).read_text())
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


class _Layer(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.attention_out = nn.Linear(c.hidden_size, c.hidden_size)
        self.attention_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.intermediate = nn.Linear(c.hidden_size, c.intermediate_size)
        self.output = nn.Linear(c.intermediate_size, c.hidden_size)
        self.output_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        return x.view(batch, length, self.heads, width // self.heads).transpose(1, 2)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        attended = F.scaled_dot_product_attention(
            self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x)), attn_mask=mask
        )
        attended = attended.transpose(1, 2).reshape(batch, length, width)
        x = self.attention_norm(x + self.dropout(self.attention_out(attended)))
        return self.output_norm(x + self.dropout(self.output(F.gelu(self.intermediate(x)))))


class BertEncoder(nn.Module):
    """Token ids in, the last layer's hidden states out."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.config = config
        c = config
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.embedding_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.layers = nn.ModuleList(_Layer(c) for _ in range(c.num_hidden_layers))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) + self.token_type_embeddings(token_type_ids)
        x = self.dropout(self.embedding_norm(x))
        # Additive mask in the activations' dtype: padded keys get the dtype's minimum.
        mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, mask)
        return x


class SentenceEncoder(nn.Module):
    """Unit-length mean of the token states: sentence-transformers' MiniLM pipeline."""

    def __init__(self, encoder: BertEncoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids, attention_mask).float()
        mask = attention_mask[..., None].to(hidden.dtype)
        return F.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)


_HF_NAMES = {
    "embeddings.word_embeddings": "word_embeddings",
    "embeddings.position_embeddings": "position_embeddings",
    "embeddings.token_type_embeddings": "token_type_embeddings",
    "embeddings.LayerNorm": "embedding_norm",
    "attention.self.query": "query",
    "attention.self.key": "key",
    "attention.self.value": "value",
    "attention.output.dense": "attention_out",
    "attention.output.LayerNorm": "attention_norm",
    "intermediate.dense": "intermediate",
    "output.dense": "output",
    "output.LayerNorm": "output_norm",
}


def rename_hf_key(key: str) -> str | None:
    """``encoder.layer.3.attention.self.query.weight`` -> ``layers.3.query.weight``; None for
    weights this encoder does not use (the pooler, position ids)."""
    key = key.removeprefix("bert.").removeprefix("model.")
    if key.startswith("pooler.") or key.endswith("position_ids"):
        return None
    key = key.replace("LayerNorm.gamma", "LayerNorm.weight").replace("LayerNorm.beta", "LayerNorm.bias")
    if key.startswith("encoder.layer."):
        _, _, number, rest = key.split(".", 3)
        for hf, ours in _HF_NAMES.items():
            if rest.startswith(hf + "."):
                return f"layers.{number}.{ours}{rest[len(hf):]}"
        return None
    for hf, ours in _HF_NAMES.items():
        if key.startswith(hf + "."):
            return ours + key[len(hf):]
    return None


def load_hf_weights(folder: Path) -> dict[str, torch.Tensor]:
    """The tensors of a Hugging Face BERT checkpoint folder, renamed for ``BertEncoder``."""
    folder = Path(folder)
    if (folder / "model.safetensors").exists():
        from safetensors.torch import load_file

        raw = load_file(str(folder / "model.safetensors"))
    else:
        raw = torch.load(folder / "pytorch_model.bin", map_location="cpu", weights_only=True)
    renamed = {}
    for key, tensor in raw.items():
        name = rename_hf_key(key)
        if name is not None:
            renamed[name] = tensor
    return renamed


def load_hf_encoder(folder: Path) -> BertEncoder:
    encoder = BertEncoder(BertConfig.from_file(Path(folder) / "config.json"))
    encoder.load_state_dict(load_hf_weights(folder))
    return encoder.eval()
