"""How long the reader's answer span may be, measured on the reader's dev splits: each
answerable question read with its own paragraph by the shipped reader, for each
``SpanLength`` tried (``--length CAP:FREE:PENALTY``), EM and F1 per source, their mean
over sources, and F1 on the answers of more than 20 words:

    python -m evals.answer_length --data ../shared/train/squad-reader --data ../shared/train/qa-extra \\
        --data runs/doc2dial-reader

The model runs once per window; each length re-decodes its scores. Never run on
``../shared/evals``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from assistant.answerers.reader import short_form
from assistant.reader import Reader, data, load_reader
from assistant.reader.spans import ANSWER_LENGTH, SpanLength
from evals.metrics import exact_match, f1

LONG_WORDS = 20
SHIPPED = f"{ANSWER_LENGTH.cap}:{ANSWER_LENGTH.free}:{ANSWER_LENGTH.penalty}"
DEFAULT_LENGTHS = ["30:30:0", "48:48:0", "64:64:0", "96:30:0.02", SHIPPED, "96:30:0.1", "96:30:0.2", "96:20:0.05"]


def memoised(reader: Reader) -> Reader:
    """The reader with its model's scores kept per batch: every length decodes the same scores."""
    seen: dict[bytes, tuple] = {}
    run = reader.run

    def cached(inputs: dict[str, np.ndarray]) -> tuple:
        key = inputs["input_ids"].tobytes() + bytes(str(inputs["input_ids"].shape), "ascii")
        if key not in seen:
            seen[key] = run(inputs)
        return seen[key]

    return Reader(cached, reader.encoder, reader.batch_size)


def study(split: data.Split, reader: Reader, length: SpanLength) -> dict:
    measured = Reader(reader.run, reader.encoder, reader.batch_size, length)
    by_source: dict[str, list[tuple[float, float, bool]]] = {}
    for q in split.questions:
        if not q.answers:
            continue
        golds = [text for text, _ in q.answers]
        said = short_form(measured.read(q.question, [split.contexts[q.context]])[0].text)
        long = max(len(g.split()) for g in golds) > LONG_WORDS
        by_source.setdefault(q.source.split("/")[-1], []).append((exact_match(said, golds), f1(said, golds), long))
    sources = {name: {"questions": len(rows), "exact_match": round(float(np.mean([r[0] for r in rows])), 4),
                      "f1": round(float(np.mean([r[1] for r in rows])), 4)} for name, rows in sorted(by_source.items())}
    long_f1 = [r[1] for rows in by_source.values() for r in rows if r[2]]
    return {"mean_f1": round(float(np.mean([s["f1"] for s in sources.values()])), 4),
            f"f1_over_{LONG_WORDS}_words": round(float(np.mean(long_f1)), 4) if long_f1 else None,
            "long_answers": len(long_f1), "sources": sources}


def parse_length(text: str) -> SpanLength:
    cap, free, penalty = text.split(":")
    return SpanLength(int(cap), int(free), float(penalty))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.answer_length", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, action="append", help="folder with dev.jsonl.gz")
    parser.add_argument("--length", action="append", metavar="CAP:FREE:PENALTY",
                        help=f"span lengths to try (default: {' '.join(DEFAULT_LENGTHS)})")
    parser.add_argument("--weights", help="reader weights (default: the shipped reader)")
    args = parser.parse_args(argv)
    split = data.load_split([d / "dev.jsonl.gz" for d in args.data])
    reader = memoised(load_reader(args.weights))
    report = {}
    for text in args.length or DEFAULT_LENGTHS:
        report[text] = study(split, reader, parse_length(text))
        print(f"{text}: mean F1 {report[text]['mean_f1']}, long-answer F1 {report[text][f'f1_over_{LONG_WORDS}_words']}",
              file=sys.stderr, flush=True)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
