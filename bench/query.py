"""Query latency, re-index and delete cost as the collection grows.

    python bench/query.py [--sizes 1000,10000,100000] [--embedder minilm|hashing] [--database-url URL] [--json]

A synthetic corpus of realistic sentences (with a few thousand invented place
names, the rare words questions search by) is generated deterministically (10
chunks per file); latency is measured after 20 warm-up questions. For each size: first indexing time, re-indexing the unchanged
corpus (ratio to the first), deleting one file, retrieval p50/p95 (hybrid: dense
+ BM25 + fusion), full answer p50 with the default answerer (the reader) and with the
sentence answerer (``extractive``) in the same process, a follow-up's (the third turn of a
dialogue, searched with its two earlier turns), index size on disk and peak memory.

``--embedder hashing`` swaps the encoder for a deterministic hashing embedder of
the same width, so the 100k-chunk corpus indexes in minutes instead of hours on
a laptop CPU; store, keyword index and fusion costs are unchanged, and the
real model's cost per query is reported separately as ``query_embed_ms``.

``--database-url postgresql://…`` keeps the catalog (chunk text and the BM25 postings)
in PostgreSQL, as replicas do, instead of SQLite's FTS5.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import peak_rss_mb  # noqa: E402

SUBJECTS = ["The committee", "The river authority", "A local bakery", "The city council", "The research team",
            "The museum", "The football club", "The hospital", "The railway company", "The school board",
            "The harbour master", "The orchestra", "The library", "The airport", "The wind farm"]
VERBS = ["approved", "rejected", "announced", "postponed", "funded", "reviewed", "expanded", "closed", "opened",
         "redesigned", "inspected", "audited", "celebrated", "relocated", "upgraded"]
OBJECTS = ["a new budget", "the northern bridge", "its annual report", "a recycling scheme", "the summer festival",
           "a training programme", "the old warehouse", "a housing plan", "the visitor centre", "a flood barrier",
           "the night bus service", "a scholarship fund", "the east wing", "a solar canopy", "the ferry timetable"]
TAILS = ["after a long debate", "in {year}", "for {n} thousand dollars", "despite objections from residents",
         "with support from {name}", "ahead of the winter season", "to cut costs by {n} percent",
         "following an inspection in {month}", "at a meeting on {month} {day}", "as part of a {n}-year plan"]
NAMES = ["Maria Lopez", "Chen Wei", "Amal Haddad", "Piotr Nowak", "Grace Mensah", "Lars Eriksen", "Aiko Tanaka"]
MONTHS = ["January", "March", "May", "July", "September", "November"]


SYLLABLES = ["ka", "lo", "mer", "din", "sa", "vel", "tor", "ane", "bri", "gol", "hum", "ris", "po", "zen", "quo",
             "tal", "ver", "nia", "dor", "eth", "mus", "pra", "sil", "wyn", "cha", "fen", "lun", "oss", "rel", "tam"]


def place_names(rng: random.Random, count: int = 4000) -> list[str]:
    """Invented town names: the rare words that real questions search by."""
    return sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize() for _ in range(count)})


def sentence(rng: random.Random, places: list[str]) -> str:
    tail = rng.choice(TAILS).format(year=rng.randint(1950, 2025), n=rng.randint(2, 90), name=rng.choice(NAMES),
                                    month=rng.choice(MONTHS), day=rng.randint(1, 28))
    return f"{rng.choice(SUBJECTS)} of {rng.choice(places)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {tail}."


def write_corpus(folder: Path, chunks: int, seed: int = 7) -> list[str]:
    """About ``chunks`` chunks: files of 10 paragraphs of ~8 sentences (~200 tokens each)."""
    rng = random.Random(seed)
    places = place_names(rng)
    folder.mkdir(parents=True, exist_ok=True)
    questions = []
    for file_no in range(max(chunks // 10, 1)):
        paragraphs = [" ".join(sentence(rng, places) for _ in range(8)) for _ in range(10)]
        (folder / f"doc-{file_no:06d}.txt").write_text("\n\n".join(paragraphs) + "\n")
        if len(questions) < 80 and file_no % max(chunks // 800, 1) == 0:
            first = paragraphs[rng.randrange(10)].split(". ")[0]
            subject, _, rest = first.partition(" of ")
            place, verb = rest.split(" ")[:2]
            questions.append(f"What happened when {subject.lower()} of {place} {verb} something?")
    return questions


class HashingEmbedder:
    """Deterministic bag-of-words vectors, 384 wide like MiniLM."""

    model_id = "bench/hashing-384"
    dimensions = 384

    def __init__(self, precision="auto", batch_size=64):
        self._buckets: dict[str, int] = {}

    def _bucket(self, word: str) -> int:
        bucket = self._buckets.get(word)
        if bucket is None:
            digest = hashlib.blake2b(word.encode(), digest_size=4).hexdigest()
            bucket = self._buckets[word] = int(digest, 16) % self.dimensions
        return bucket

    def embed(self, texts):
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            np.add.at(out[row], [self._bucket(w) for w in re.findall(r"\w+", text.lower())], 1.0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    def fits(self, text):
        return len(text) < 1500


def folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def measure(size: int, embedder: str, tmp: Path, database_url: str | None = None) -> dict:
    from assistant import Assistant
    from index import IndexConfig

    corpus = tmp / f"corpus-{size}"
    questions = write_corpus(corpus, size)
    bot = Assistant(collection=f"bench-{size}", store=tmp / f"store-{size}", index=IndexConfig(embedder=embedder),
                    database_url=database_url)
    bot.collection.embedder.embed(["warm up"])
    began = time.perf_counter()
    first = bot.index([corpus])
    first_s = time.perf_counter() - began
    began = time.perf_counter()
    again = bot.index([corpus])
    again_s = time.perf_counter() - began
    assert again.embedded == 0
    retrieval, answer, dense, keyword = [], [], [], []
    for question in questions[:20]:  # warm the caches: latency is measured in steady state
        bot.ask(question)
    for question in questions[20:]:
        began = time.perf_counter()
        bot.retriever.retrieve(question)
        retrieval.append((time.perf_counter() - began) * 1000)
        vector = bot.collection.embed_query(question)
        began = time.perf_counter()
        bot.collection.dense_search(vector, 30)
        dense.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        bot.collection.keyword_search(question, 30)
        keyword.append((time.perf_counter() - began) * 1000)
    baseline = Assistant(collection=f"bench-{size}", store=tmp / f"store-{size}", llm="extractive",
                         index=IndexConfig(embedder=embedder), database_url=database_url)
    baseline.ask(questions[0])
    extractive, follow_up = [], []
    for n, question in enumerate(questions[20:50], start=20):
        for assistant, times in ((bot, answer), (baseline, extractive)):
            began = time.perf_counter()
            assistant.ask(question)
            times.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()  # the third turn of a dialogue: searched with its earlier turns
        bot.ask(question, history=questions[n - 2 : n])
        follow_up.append((time.perf_counter() - began) * 1000)
    victim = sorted(corpus.iterdir())[len(questions) // 2].name
    began = time.perf_counter()
    bot.delete([victim])
    delete_s = time.perf_counter() - began
    return {
        "chunks": first.total, "embedder": bot.collection.embedder.model_id,
        "catalog": "postgresql" if database_url else "sqlite",
        "index_s": round(first_s, 2), "reindex_unchanged_s": round(again_s, 2),
        "reindex_unchanged_ratio": round(again_s / first_s, 4), "delete_one_file_s": round(delete_s, 3),
        "retrieval_p50_ms": round(statistics.median(retrieval), 2),
        "retrieval_p95_ms": round(float(np.percentile(retrieval, 95)), 2),
        "answer_p50_ms": round(statistics.median(answer), 2), "answerer": bot.settings.llm,
        "extractive_answer_p50_ms": round(statistics.median(extractive), 2),
        "answer_ratio_to_extractive": round(statistics.median(answer) / statistics.median(extractive), 2),
        "follow_up_answer_p50_ms": round(statistics.median(follow_up), 2),
        "follow_up_ratio_to_answer": round(statistics.median(follow_up) / statistics.median(answer), 2),
        "dense_p50_ms": round(statistics.median(dense), 2), "keyword_p50_ms": round(statistics.median(keyword), 2),
        "index_size_mb": folder_mb(tmp / f"store-{size}"), "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def query_embed_ms() -> float:
    from index.embedders import get

    model = get("minilm")
    model.embed(["warm up"])
    times = []
    for i in range(30):
        began = time.perf_counter()
        model.embed([f"What did the committee decide in meeting {i}?"])
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--embedder", default="minilm", choices=["minilm", "hashing"])
    parser.add_argument("--database-url", help="a PostgreSQL URL for the catalog (default: SQLite in the store)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from index import embedders

    embedders.register("hashing", HashingEmbedder)
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            result[str(size)] = measure(size, args.embedder, Path(tmp), args.database_url)
            if args.embedder == "hashing":
                result[str(size)]["query_embed_ms"] = query_embed_ms()
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
