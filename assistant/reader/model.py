"""The reader network: the BERT encoder and one linear layer giving each token a
start and an end score. Position 0 ([CLS]) stands for "no answer here"."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import torch
from torch import nn

from index.embedders.bert import BertConfig, BertEncoder, load_hf_weights

FROZEN = ("bert.word_embeddings.weight",)
"""Kept as in all-MiniLM-L6-v2 while training, so the shipped file leaves them out and
they load from the embedding model's package: half the size, and regularisation on
a small training set."""


class ReaderModel(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.bert = BertEncoder(config)
        self.qa = nn.Linear(config.hidden_size, 2)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.qa(self.bert(input_ids, attention_mask, token_type_ids)).float()
        padding = attention_mask == 0
        start, end = logits[..., 0].masked_fill(padding, -1e4), logits[..., 1].masked_fill(padding, -1e4)
        return start, end

    @classmethod
    def from_encoder(cls, folder: Path, dropout: float = 0.0) -> "ReaderModel":
        """A new reader on top of a Hugging Face BERT checkpoint (the QA layer untrained)."""
        config = BertConfig.from_file(Path(folder) / "config.json")
        config = dataclasses.replace(config, hidden_dropout_prob=dropout)
        model = cls(config)
        missing = model.bert.load_state_dict(load_hf_weights(folder), strict=False)
        if missing.missing_keys or missing.unexpected_keys:
            raise ValueError(f"{folder}: not a BERT checkpoint ({missing})")
        nn.init.normal_(model.qa.weight, std=0.02)
        nn.init.zeros_(model.qa.bias)
        return model

    def trainable_state(self) -> dict[str, torch.Tensor]:
        return {k: v for k, v in self.state_dict().items() if k not in FROZEN}

    def freeze_embeddings(self) -> None:
        self.bert.word_embeddings.weight.requires_grad_(False)


def save(model: ReaderModel, path: Path, dtype: torch.dtype = torch.bfloat16, extra: dict | None = None) -> None:
    """The weights the reader learnt (not the frozen word embeddings), as safetensors."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().to(dtype).contiguous() for k, v in model.trainable_state().items()}
    metadata = {"config": json.dumps(model.bert.config.to_dict()), **{k: json.dumps(v) for k, v in (extra or {}).items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata=metadata)


def load(path: Path, encoder_folder: Path) -> ReaderModel:
    """A reader from its safetensors file; word embeddings from the base encoder's folder."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        config = BertConfig(**json.loads(handle.metadata()["config"]))
        tensors = {k: handle.get_tensor(k).float() for k in handle.keys()}
    base = load_hf_weights(encoder_folder)
    tensors["bert.word_embeddings.weight"] = base["word_embeddings.weight"]
    model = ReaderModel(config)
    model.load_state_dict(tensors)
    return model.eval()
