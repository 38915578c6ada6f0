"""How many neighbours a dense query should ask Chroma for: recall of the exact 30 nearest
chunks, and time per query, at each breadth (``index.store.SEARCH_BREADTH``).

    python bench/dense_recall.py --data ../shared/train/squad-reader --data ../shared/train/qa-extra [--json]
    python bench/dense_recall.py --data ../shared/train/qa-extra --split train --questions 500   # bigger collections

Each source's paragraphs (of the dev split, or of ``--split train``) are indexed as one
collection (as ``assistant.reader.calibrate`` does) and each question's vector is searched
one at a time, as at question time. The exact nearest chunks come from all the collection's
vectors. Chroma rebuilds its HNSW graph when a store is opened, so the figures are the mean
over ``--opens`` opens of the store, each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench.common  # noqa: E402,F401  (offline settings)

DEPTH = 30  # the hybrid retriever's dense candidates


def exact_nearest(vectors: np.ndarray, ids: list[str], queries: np.ndarray) -> list[set[str]]:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    order = np.argsort(-(queries @ unit.T), axis=1)[:, :DEPTH]
    return [{ids[i] for i in row} for row in order]


def measure(store: Path, questions: list[str], breadths: list[int]) -> dict:
    from assistant import Assistant

    collection = Assistant(collection="dense-recall", store=store).collection
    queries = np.stack([collection.embed_query(q) for q in questions])
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    vectors = collection.vectors
    stored = list(vectors.embeddings())
    truth = exact_nearest(np.stack([v for _, _, v in stored]), [i for i, _, _ in stored], queries)
    result = {"chunks": len(stored), "questions": len(questions)}
    for breadth in breadths:
        vectors.breadth = breadth
        started = time.perf_counter()
        hits = [vectors.query(q, DEPTH) for q in queries]
        seconds = time.perf_counter() - started
        recall = [len(want & {h.id for h in got}) / DEPTH for want, got in zip(truth, hits)]
        result[breadth] = {"recall@30": float(np.mean(recall)),
                           "questions_missing_one": float(np.mean([r < 1 for r in recall])),
                           "ms_per_query": 1000 * seconds / len(questions)}
    return result


def fresh_process(function, *args):
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def main(argv: list[str] | None = None) -> int:
    from assistant import Assistant
    from assistant.reader import data
    from assistant.reader.calibrate import source_splits

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, action="append", help="folder with dev.jsonl.gz")
    parser.add_argument("--breadths", default="30,100,200,300,500")
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--questions", type=int, help="at most this many questions of each source (its first)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    breadths = [int(b) for b in args.breadths.split(",")]
    report = {}
    for name, part in source_splits(data.load_split([d / f"{args.split}.jsonl.gz" for d in args.data])).items():
        with tempfile.TemporaryDirectory() as folder:
            store = Path(folder) / "store"
            Assistant(collection="dense-recall", store=store).index([data.write_corpus(part, Path(folder))])
            questions = [q.question for q in part.questions][: args.questions]
            opens = [fresh_process(measure, store, questions, breadths) for _ in range(args.opens)]
        report[name] = {"chunks": opens[0]["chunks"], "questions": opens[0]["questions"]} | {
            b: {key: round(float(np.mean([o[b][key] for o in opens])), 4) for key in opens[0][b]} for b in breadths}
        print(name, report[name], file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, row in report.items():
            print(f"{name}: {row['chunks']} chunks, {row['questions']} questions")
            for b in breadths:
                print(f"  breadth {b:4d}: recall@30 {row[b]['recall@30']:.4f}, questions missing one "
                      f"{row[b]['questions_missing_one']:.3f}, {row[b]['ms_per_query']:.2f} ms/query")
    return 0


if __name__ == "__main__":
    sys.exit(main())
