"""Fit the reader answerer's fusion weight, decline threshold and confidence curve on
the reader's dev splits, as the assistant meets them: each source's dev paragraphs
are indexed as one open collection, each question retrieves its top passages, the
reader reads them.

    python -m assistant.reader.calibrate --data ../shared/train/squad-reader --data ../shared/train/qa-extra --write

The rank weight is the one whose chosen passage (the one the reply cites) is most often the
question's own, on average over the sources, mean F1 breaking ties; the threshold
is the highest that declines at most ``TARGET_FALSE_DECLINES`` of the answerable
questions of *every* source (a threshold fitted on one kind of text declined
11-17% on others), and the report gives the decline curve per source. Never
fitted on ``../shared/evals``: those suites (and their hidden twins) measure it.
"""

from __future__ import annotations

import argparse
import gzip
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
OFF_TOPIC_GATES = [0.4, 0.5, 0.6, 0.67, 0.75, 0.8, 1.0]
TARGET_FALSE_DECLINES = 0.06  # share of dev's answerable questions the threshold may decline


@dataclass
class Read:
    answers: list[str]  # empty: unanswerable
    margins: list[float]  # per retrieved passage, in retrieval order
    texts: list[str]
    gold: list[bool]  # the passage is the question's own paragraph
    absent: float  # share of the question's topic words missing from the collection


def collect(split: data.Split, weights: str | None, k: int, store: Path, articles: bool = False) -> list[Read]:
    """What the reader reads for each question; ``articles``: the paragraphs indexed as whole
    articles (``data.write_articles``), not each as its own document."""
    from assistant import Assistant

    if articles:
        corpus, document_of = data.write_articles(split, store)
    else:
        corpus, document_of = data.write_corpus(split, store), {c: f"p{c}" for c in range(len(split.contexts))}
    bot = Assistant(collection="reader-dev", store=store / "store", k=k)
    bot.index([corpus])
    reader = load_reader(weights)
    frequencies = bot.collection.catalog.term_frequencies
    reads = []
    for n, q in enumerate(split.questions):
        passages = bot.retriever.retrieve(q.question)
        spans = reader.read(q.question, [p.text for p in passages])
        reads.append(Read([a for a, _ in q.answers], [s.evidence for s in spans], [short_form(s.text) for s in spans],
                          [p.source == document_of[q.context] for p in passages],
                          topic.absent_share(q.question, frequencies)))
        if n % 200 == 0:
            print(f"{n}/{len(split.questions)} questions read", file=sys.stderr, flush=True)
    return reads


def chosen_passage(read: Read, calibration: ReaderCalibration) -> tuple[int, float]:
    """The passage the answerer answers from (and cites), by its fused score, and that score."""
    fused = [calibration.fuse(m, rank) for rank, m in enumerate(read.margins)]
    best = int(np.argmax(fused))
    return best, fused[best]


def choose(reads: list[Read], calibration: ReaderCalibration) -> list[tuple[float, str]]:
    """(best fused score, its span) per question."""
    result = []
    for r in reads:
        if r.margins:
            best, score = chosen_passage(r, calibration)
            result.append((score, r.texts[best]))
        else:
            result.append((-1e9, ""))
    return result


def scores(reads: list[Read], calibration: ReaderCalibration) -> dict:
    from evals.metrics import exact_match, f1

    chosen = choose(reads, calibration)
    answerable = [(r, c) for r, c in zip(reads, chosen) if r.answers]
    declined = [c[0] < calibration.threshold or r.absent >= calibration.off_topic for r, c in zip(reads, chosen)]
    em = [0.0 if d else exact_match(c[1], r.answers) for (r, c), d in zip(zip(reads, chosen), declined) if r.answers]
    f = [0.0 if d else f1(c[1], r.answers) for (r, c), d in zip(zip(reads, chosen), declined) if r.answers]
    def share(values: list) -> float | None:
        return round(float(np.mean(values)), 4) if values else None

    auc_value = auc([c[0] for r, c in zip(reads, chosen) if r.answers],
                    [c[0] for r, c in zip(reads, chosen) if not r.answers])
    return {
        "exact_match": round(float(np.mean(em)), 4),
        "f1": round(float(np.mean(f)), 4),
        "f1_if_answered": round(float(np.mean([f1(c[1], r.answers) for r, c in answerable])), 4),
        "declined_answerable": share([d for r, d in zip(reads, declined) if r.answers]),
        "declined_unanswerable": share([d for r, d in zip(reads, declined) if not r.answers]),
        "has_answer_auc": round(auc_value, 4) if auc_value == auc_value else None,
    }


def own_passage(reads: list[Read], calibration: ReaderCalibration) -> float:
    """Share of the answerable questions whose chosen passage, the one the reply cites, is
    their own. Through retrieval F1 is flat in the rank weight for a reader trained with
    shared normalisation (.638-.642 from 2 to 4): it does not say how far the reader's margin
    may override the retrieval order; which passage gets cited does."""
    own = [r.gold[chosen_passage(r, calibration)[0]] for r in reads if r.answers and r.margins]
    return float(np.mean(own)) if own else 0.0


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 2000) -> tuple[float, float]:
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * x + b)))
        a -= 0.05 * float(np.mean((p - y) * x))
        b -= 0.05 * float(np.mean(p - y))
    return a, b


def gated_share(reads: list[Read], gate: float) -> float:
    answerable = [r for r in reads if r.answers]
    return sum(r.absent >= gate for r in answerable) / max(len(answerable), 1)


def fit_gate(by_source: dict[str, list[Read]]) -> float:
    """The strictest off-topic gate (share of a question's topic words absent from the
    collection) that declines at most half the target share of any source's answerable
    questions: search-engine queries name words their passage does not use."""
    for gate in OFF_TOPIC_GATES:
        if all(gated_share(reads, gate) <= TARGET_FALSE_DECLINES / 2 for reads in by_source.values()):
            return gate
    return OFF_TOPIC_GATES[-1]


def highest_threshold(reads: list[Read], weight: float, gate: float) -> float:
    """The highest threshold that declines at most the target share of ``reads``'
    answerable questions (the off-topic gate's declines counted first)."""
    chosen = choose(reads, ReaderCalibration(rank_weight=weight))
    answerable = [(r, c) for r, c in zip(reads, chosen) if r.answers]
    gated = sum(r.absent >= gate for r, _ in answerable)
    scores_left = sorted(c[0] for r, c in answerable if r.absent < gate)
    allowed = max(int(TARGET_FALSE_DECLINES * len(answerable)) - gated, 0)
    return float(scores_left[allowed]) if scores_left else 0.0


def curve(reads: list[Read], weight: float, gate: float, thresholds: list[float]) -> list[dict]:
    """Declined answerable / unanswerable shares at each threshold."""
    rows = []
    for t in thresholds:
        result = scores(reads, ReaderCalibration(rank_weight=weight, threshold=t, off_topic=gate))
        rows.append({"threshold": round(t, 3), "declined_answerable": result["declined_answerable"],
                     "declined_unanswerable": result["declined_unanswerable"]})
    return rows


def fit(by_source: dict[str, list[Read]]) -> tuple[ReaderCalibration, dict]:
    from evals.metrics import f1

    best = None
    for weight in RANK_WEIGHTS:
        calibration = ReaderCalibration(rank_weight=weight, threshold=-1e9, off_topic=2.0)
        results = {name: scores(reads, calibration) for name, reads in by_source.items()}
        key = (round(float(np.mean([own_passage(reads, calibration) for reads in by_source.values()])), 4),
               float(np.mean([r["f1"] for r in results.values()])))
        print(f"rank_weight {weight}: own passage cited {key[0]:.4f}, mean f1 {key[1]:.4f}, {results}", file=sys.stderr)
        if best is None or key > best[0]:
            best = (key, weight)
    weight = best[1]
    gate = fit_gate(by_source)
    per_source = {name: highest_threshold(reads, weight, gate) for name, reads in by_source.items()}
    threshold = min(per_source.values())
    pooled = [r for reads in by_source.values() for r in reads]
    chosen = choose(pooled, ReaderCalibration(rank_weight=weight))
    x = np.array([c[0] for c in chosen])
    y = np.array([float(bool(r.answers) and f1(c[1], r.answers) >= 0.5) for r, c in zip(pooled, chosen)])
    slope, bias = fit_logistic(x, y)
    calibration = ReaderCalibration(rank_weight=weight, threshold=threshold, slope=slope, bias=bias, off_topic=gate)
    grid = sorted({round(threshold + d, 3) for d in (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0)})
    report = {**scores(pooled, calibration),
              "sources": {name: {**scores(reads, calibration), "own_passage": round(own_passage(reads, calibration), 4),
                                 "questions": len(reads),
                                 "own_threshold": round(per_source[name], 3), "curve": curve(reads, weight, gate, grid)}
                          for name, reads in by_source.items()}}
    return calibration, report


def dialogue_fit(target: Path) -> dict:
    """The dialogue-turn fit already in ``target`` (``assistant.dialogue.calibrate`` writes it, from
    its own data): kept, as this fit does not change it. Refit it too after retraining the reader."""
    if not target.exists():
        return {}
    kept = json.loads(target.read_text())
    return {k: kept[k] for k in ("dialogue_threshold", "dialogue_fit") if k in kept}


def save_reads(by_source: dict[str, list[Read]], path: Path) -> None:
    with gzip.open(path, "wt") as handle:
        json.dump({name: [asdict(r) for r in reads] for name, reads in by_source.items()}, handle)


def load_reads(path: Path) -> dict[str, list[Read]]:
    with gzip.open(path, "rt") as handle:
        return {name: [Read(**r) for r in reads] for name, reads in json.load(handle).items()}


def source_splits(split: data.Split) -> dict[str, data.Split]:
    """One split per source, each with only its own paragraphs (indexed as its own collection)."""
    result = {}
    for name in split.sources():
        questions = [q for q in split.questions if q.source == name]
        kept = sorted({q.context for q in questions})
        renumber = {old: new for new, old in enumerate(kept)}
        result[name.split("/")[-1]] = data.Split(
            [split.contexts[c] for c in kept],
            [data.Question(q.id, q.title, renumber[q.context], q.question, q.answers, q.source) for q in questions],
            {})
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.reader.calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, action="append",
                        help="folder with dev.jsonl.gz (repeat for several sources)")
    parser.add_argument("--weights", help="reader weights (default: the shipped ones)")
    parser.add_argument("--k", type=int, default=5, help="passages read per question, as the assistant reads them")
    parser.add_argument("--limit", type=int, help="only the first N questions of each file (trials, tests)")
    parser.add_argument("--reads", type=Path, help="a .json.gz of what the reader read: written after reading, "
                        "loaded instead of reading when it exists (refits without the reader)")
    parser.add_argument("--articles", action="store_true", help="index each article's paragraphs as one document "
                        "(docs/chunk-length.md: tried, not the shipped fit)")
    parser.add_argument("--write", action="store_true", help=f"write the fit to the package's weights/{CALIBRATION}")
    args = parser.parse_args(argv)
    split = data.load_split([d / "dev.jsonl.gz" for d in args.data], args.limit)
    splits = source_splits(split)
    if args.reads and args.reads.exists():
        by_source = load_reads(args.reads)
    else:
        by_source = {}
        with tempfile.TemporaryDirectory() as folder:
            for n, (name, part) in enumerate(splits.items()):
                by_source[name] = collect(part, args.weights, args.k, Path(folder) / f"s{n}", args.articles)
        if args.reads:
            save_reads(by_source, args.reads)
    calibration, result = fit(by_source)
    layout = "paragraphs, indexed as whole articles" if args.articles else "paragraphs"
    described = ", ".join(f"{name} ({len(part.questions)} questions over {len(part.contexts)} {layout})"
                          for name, part in splits.items())
    record = {**asdict(calibration), "fitted_on": f"the dev splits of {', '.join(d.name for d in args.data)}, each "
              f"source retrieved as its own collection, k={args.k}: {described}", "dev": result}
    print(json.dumps(record, indent=2))
    if args.write:
        from assistant.reader.ship import write_card

        target = Path(args.weights).with_name(CALIBRATION) if args.weights else weights_folder() / CALIBRATION
        record.update(dialogue_fit(target))
        target.write_text(json.dumps(record, indent=2) + "\n")
        if not args.weights:
            write_card()
    return 0


if __name__ == "__main__":
    sys.exit(main())
