"""Measure the citation verifier on labelled (claim, source, supported?) examples.

    python -m evals.verifier [--threshold T] [--json]

Each claim is checked against the chunks of its source document, as a generated
sentence citing that document would be. Reports precision and recall of the
``unsupported`` flag, and the threshold that maximises its F1 (for
``assistant/verify.py``). Examples over ``seed-article`` need ``../shared``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from index.chunking import Chunker
from index.loaders import load_file

from assistant.types import Passage
from assistant.verify import SUPPORT_THRESHOLD, Verifier

HERE = Path(__file__).resolve().parent
CORPORA = {"sample": HERE / "sample" / "corpus",
           "seed-article": HERE.parents[1] / "shared" / "evals" / "seed-article" / "corpus"}


def passages_of(corpus: str, source: str) -> list[Passage] | None:
    path = CORPORA[corpus] / source
    if not path.exists():
        return None
    document = load_file(path, source)[0]
    return [Passage(id=str(c.index), source=source, page=c.page, start=c.start, end=c.end, text=c.text)
            for c in Chunker().split(document)]


def scores(verifier: Verifier, examples: list[dict]) -> list[tuple[float, bool]]:
    out = []
    for example in examples:
        passages = passages_of(example["corpus"], example["source"])
        if passages is None:
            continue
        support = verifier.support(example["claim"], passages)
        out.append((support.score if support else 0.0, bool(example["supported"])))
    return out


def flag_metrics(scored: list[tuple[float, bool]], threshold: float) -> dict:
    flagged = [score < threshold for score, _ in scored]
    truly = [not supported for _, supported in scored]
    tp = sum(f and t for f, t in zip(flagged, truly))
    precision = tp / sum(flagged) if any(flagged) else 0.0
    recall = tp / sum(truly) if any(truly) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": round(threshold, 4), "examples": len(scored), "unsupported": sum(truly),
            "precision_unsupported": round(precision, 4), "recall_unsupported": round(recall, 4), "f1": round(f1, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=SUPPORT_THRESHOLD)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from index.embedders import get

    examples = [json.loads(line) for line in (HERE / "verifier" / "labelled.jsonl").read_text().splitlines() if line.strip()]
    scored = scores(Verifier(get("minilm").embed), examples)
    current = flag_metrics(scored, args.threshold)
    best = max((flag_metrics(scored, t) for t, _ in scored), key=lambda m: (m["f1"], -abs(m["threshold"] - 0.6)))
    result = {"current": current, "best": best}
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
