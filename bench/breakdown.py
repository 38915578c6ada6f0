"""Where indexing time goes: one indexing run under cProfile, its time split into named
stages, and the padding the encoder's batches carry.

A profiled run is slower than a plain one (Python-heavy stages the most), so the
stages are reported as shares of the profiled total, beside the unprofiled timings
``bench/index.py`` measures."""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

# stage -> (file suffix, function) pairs whose cumulative time is the stage's
STAGES: dict[str, list[tuple[str, str]]] = {
    "discover_and_hash": [("index/sync.py", "_discover")],
    "load": [("index/loaders/registry.py", "load_file")],
    "chunk": [("index/chunking.py", "split")],
    "fit_checks": [("index/embedders/minilm.py", "fits")],
    "embed": [("index/embedders/minilm.py", "embed")],
    "encode": [("index/embedders/minilm.py", "_run_torch")],
    "vector_store": [("index/store.py", "upsert"), ("index/store.py", "delete")],
    "catalog": [("index/catalog.py", "replace_documents"), ("index/catalog.py", "set_file"),
                ("index/sql_catalog.py", "replace_documents"), ("index/sql_catalog.py", "set_file")],
    "extras": [("index/extras.py", "replace"), ("index/extras.py", "keep_only")],
}


def _cumulative(stats: pstats.Stats, wanted: list[tuple[str, str]]) -> float:
    total = 0.0
    for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if any(filename.endswith(suffix) and function == name for suffix, name in wanted):
            total += cumulative
    return total


def profiled_index(bot, corpus: Path) -> dict:
    """Index ``corpus`` into ``bot``'s (empty) collection under cProfile; seconds per stage.
    ``fit_checks`` lies inside ``chunk`` and ``encode`` inside ``embed``; ``tokenise`` is
    ``embed`` less ``encode``, and ``other`` what no stage covers."""
    profile = cProfile.Profile()
    profile.enable()
    bot.index([corpus])
    profile.disable()
    stats = pstats.Stats(profile)
    seconds = {stage: _cumulative(stats, wanted) for stage, wanted in STAGES.items()}
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    seconds["tokenise"] = seconds["embed"] - seconds["encode"]
    top = ("discover_and_hash", "load", "chunk", "embed", "vector_store", "catalog", "extras")
    seconds["other"] = max(total - sum(seconds[s] for s in top), 0.0)
    return {"profiled_total_s": round(total, 2),
            "share": {stage: round(s / total, 3) for stage, s in seconds.items()}}


def padding(embedder, texts: list[str]) -> dict:
    """Tokens per chunk text, the share cut at the encoder's limit, and the share of the
    encoded positions that are padding in the batches ``embedder.embed`` forms."""
    lengths = [len(e.ids) for e in embedder._tokenizer.encode_batch(texts)]
    kept = sorted((min(n, embedder.max_tokens) for n in lengths), reverse=True)
    padded = sum(max(kept[i:i + embedder.batch_size]) * len(kept[i:i + embedder.batch_size])
                 for i in range(0, len(kept), embedder.batch_size))
    return {"tokens_per_chunk_mean": round(sum(kept) / max(len(kept), 1), 1),
            "truncated_share": round(sum(n > embedder.max_tokens for n in lengths) / max(len(lengths), 1), 4),
            "padding_share": round(1 - sum(kept) / max(padded, 1), 4)}
