"""The plain-torch MiniLM, and its ONNX export that questions go through, give the
vectors sentence-transformers gives."""

import numpy as np
import pytest

from conftest import SHARED, needs_shared

pytestmark = pytest.mark.slow

TEXTS = [
    "How much does a single ride cost?",
    "Riverton Bike Share opened in May 2019 with 40 stations and 300 bikes. " * 20,  # over 256 word pieces: truncated
    "x",
    "Ünïcödé naïve café — “quotes” and emoji 🚲 too.",
]


def test_vectors_match_sentence_transformers():
    sentence_transformers = pytest.importorskip("sentence_transformers")
    from index.embedders.minilm import MiniLMEmbedder, model_folder

    reference = sentence_transformers.SentenceTransformer(str(model_folder()), device="cpu").encode(
        TEXTS, normalize_embeddings=True)
    embedder = MiniLMEmbedder(precision="fp32", batch_size=2)
    few = embedder.embed(TEXTS)  # ONNX Runtime
    many = embedder.embed(TEXTS * 3)[: len(TEXTS)]  # torch
    assert few.shape == many.shape == (len(TEXTS), 384)
    assert np.min(np.sum(few * reference, axis=1)) >= 0.9999
    assert np.min(np.sum(many * reference, axis=1)) >= 0.9999


def test_bf16_stays_close_to_fp32_and_fits_counts_word_pieces():
    from index.embedders.minilm import MiniLMEmbedder

    fp32 = MiniLMEmbedder(precision="fp32")
    bf16 = MiniLMEmbedder(precision="bf16").embed(TEXTS * 3)
    assert np.min(np.sum(fp32.embed(TEXTS * 3) * bf16, axis=1)) >= 0.99
    assert fp32.fits(TEXTS[0]) and not fp32.fits(TEXTS[1])


@needs_shared("squad-dev")
def test_questions_embed_the_same_on_onnx_runtime_as_on_the_indexing_path():
    import json

    from index.embedders.minilm import MiniLMEmbedder

    lines = (SHARED / "squad-dev" / "questions.jsonl").read_text().splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    embedder = MiniLMEmbedder(precision="fp32")
    indexing = embedder.embed(questions)  # many texts: torch, as indexing runs
    asking = np.concatenate([embedder.embed([q]) for q in questions])  # one at a time: ONNX Runtime
    assert np.min(np.sum(indexing * asking, axis=1)) >= 0.9999
