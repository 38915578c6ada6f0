"""Fit the reader answerer's fusion weight, decline threshold and confidence curve on
the reader's dev split, as the assistant meets it: the dev paragraphs are indexed as
one open collection, each question retrieves its top passages, the reader reads them.

    python -m assistant.reader.calibrate --data ../shared/train/squad-reader --write

Never fitted on ``../shared/evals``: those suites (and their hidden twins) measure it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.answerers import topic
from assistant.answerers.reader import CALIBRATION, ReaderCalibration, short_form
from assistant.reader import data, load_reader
from assistant.reader.runtime import weights_folder
from assistant.reader.train import auc

RANK_WEIGHTS = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0]
TARGET_FALSE_DECLINES = 0.06  # share of dev's answerable questions the threshold may decline


@dataclass
class Read:
    answers: list[str]  # empty: unanswerable
    margins: list[float]  # per retrieved passage, in retrieval order
    texts: list[str]
    gold: list[bool]  # the passage is the question's own paragraph
    absent: float  # share of the question's topic words missing from the collection


def collect(split: data.Split, weights: str | None, k: int, store: Path) -> list[Read]:
    from assistant import Assistant

    corpus = store / "corpus.jsonl"
    with corpus.open("w") as handle:
        for i, text in enumerate(split.contexts):
            handle.write(json.dumps({"_id": f"p{i}", "title": "", "text": text}) + "\n")
    bot = Assistant(collection="reader-dev", store=store / "store", k=k)
    bot.index([corpus])
    reader = load_reader(weights)
    frequencies = bot.collection.catalog.term_frequencies
    reads = []
    for n, q in enumerate(split.questions):
        passages = bot.retriever.retrieve(q.question)
        spans = reader.read(q.question, [p.text for p in passages])
        reads.append(Read([a for a, _ in q.answers], [s.margin for s in spans], [short_form(s.text) for s in spans],
                          [p.source == f"p{q.context}" for p in passages], topic.absent_share(q.question, frequencies)))
        if n % 200 == 0:
            print(f"{n}/{len(split.questions)} questions read", file=sys.stderr, flush=True)
    return reads


def choose(reads: list[Read], calibration: ReaderCalibration) -> list[tuple[float, str]]:
    """(best fused score, its span) per question."""
    result = []
    for r in reads:
        fused = [calibration.fuse(m, rank) for rank, m in enumerate(r.margins)]
        best = int(np.argmax(fused)) if fused else -1
        result.append((fused[best], r.texts[best]) if fused else (-1e9, ""))
    return result


def scores(reads: list[Read], calibration: ReaderCalibration) -> dict:
    from evals.metrics import exact_match, f1

    chosen = choose(reads, calibration)
    answerable = [(r, c) for r, c in zip(reads, chosen) if r.answers]
    declined = [c[0] < calibration.threshold or r.absent >= calibration.off_topic for r, c in zip(reads, chosen)]
    em = [0.0 if d else exact_match(c[1], r.answers) for (r, c), d in zip(zip(reads, chosen), declined) if r.answers]
    f = [0.0 if d else f1(c[1], r.answers) for (r, c), d in zip(zip(reads, chosen), declined) if r.answers]
    return {
        "exact_match": round(float(np.mean(em)), 4),
        "f1": round(float(np.mean(f)), 4),
        "f1_if_answered": round(float(np.mean([f1(c[1], r.answers) for r, c in answerable])), 4),
        "declined_answerable": round(float(np.mean([d for r, d in zip(reads, declined) if r.answers])), 4),
        "declined_unanswerable": round(float(np.mean([d for r, d in zip(reads, declined) if not r.answers])), 4),
        "has_answer_auc": round(auc([c[0] for r, c in zip(reads, chosen) if r.answers],
                                    [c[0] for r, c in zip(reads, chosen) if not r.answers]), 4),
    }


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 2000) -> tuple[float, float]:
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * x + b)))
        a -= 0.05 * float(np.mean((p - y) * x))
        b -= 0.05 * float(np.mean(p - y))
    return a, b


def fit(reads: list[Read]) -> tuple[ReaderCalibration, dict]:
    from evals.metrics import f1

    best = None
    for weight in RANK_WEIGHTS:
        calibration = ReaderCalibration(rank_weight=weight, threshold=-1e9, off_topic=2.0)
        result = scores(reads, calibration)
        key = (result["f1"], result["has_answer_auc"])
        print(f"rank_weight {weight}: {result}", file=sys.stderr)
        if best is None or key > best[0]:
            best = (key, weight)
    weight = best[1]
    chosen = choose(reads, ReaderCalibration(rank_weight=weight))
    # The off-topic gate declines some answerable questions already; the threshold may
    # decline the rest of the target share.
    gate = topic.OFF_TOPIC
    answerable = [(r, c) for r, c in zip(reads, chosen) if r.answers]
    gated = sum(r.absent >= gate for r, _ in answerable)
    scores_left = sorted(c[0] for r, c in answerable if r.absent < gate)
    allowed = max(int(TARGET_FALSE_DECLINES * len(answerable)) - gated, 0)
    threshold = float(scores_left[allowed]) if scores_left else 0.0
    x = np.array([c[0] for c in chosen])
    y = np.array([float(bool(r.answers) and f1(c[1], r.answers) >= 0.5) for r, c in zip(reads, chosen)])
    slope, bias = fit_logistic(x, y)
    calibration = ReaderCalibration(rank_weight=weight, threshold=threshold, slope=slope, bias=bias)
    return calibration, scores(reads, calibration)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.reader.calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="folder with dev.jsonl.gz")
    parser.add_argument("--weights", help="reader weights (default: the shipped ones)")
    parser.add_argument("--k", type=int, default=5, help="passages read per question, as the assistant reads them")
    parser.add_argument("--write", action="store_true", help=f"write the fit to the package's weights/{CALIBRATION}")
    args = parser.parse_args(argv)
    split = data.load_split(args.data / "dev.jsonl.gz")
    with tempfile.TemporaryDirectory() as folder:
        reads = collect(split, args.weights, args.k, Path(folder))
    calibration, result = fit(reads)
    record = {**asdict(calibration), "fitted_on": f"{args.data.name}/dev.jsonl.gz (retrieval over its {len(split.contexts)} "
              f"paragraphs, k={args.k})", "dev": result}
    print(json.dumps(record, indent=2))
    if args.write:
        from assistant.reader.ship import write_card

        (weights_folder() / CALIBRATION).write_text(json.dumps(record, indent=2) + "\n")
        write_card()
    return 0


if __name__ == "__main__":
    sys.exit(main())
