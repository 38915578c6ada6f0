"""How respelling (``assistant.spelling``) moves retrieval on the reader's dev splits,
each source indexed as its own collection as the assistant meets it:

    python -m evals.spelling --data ../shared/train/squad-reader --data ../shared/train/qa-extra

For each pair of levels tried (``--levels RARE:COMMON``, the speller's ``rare_zipf`` and
``common_zipf``; COMMON at or below RARE: rare words only): how many questions are
respelt, how many of those have every respelt word in their own paragraph (a proxy for a
right respelling), and recall@1 of the respelt questions before and after. Never run on
``../shared/evals``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from assistant import spelling
from assistant.reader import data
from assistant.reader.calibrate import source_splits
from index.terms import terms


def study(part: data.Split, store: Path, levels: list[tuple[float, float]]) -> dict:
    from assistant import Assistant

    bot = Assistant(collection="spelling-dev", store=store / "store")
    bot.index([data.write_corpus(part, store)])
    result = {}
    for rare, common in levels:
        speller = spelling.Speller(bot.collection.catalog, rare_zipf=rare, common_zipf=common)
        changed = right = before = after = 0
        for q in part.questions:
            respelt = speller.respell(q.question)
            if respelt == q.question:
                continue
            changed += 1
            own = set(terms(part.contexts[q.context]))
            right += set(terms(respelt)) - set(terms(q.question)) <= own
            gold = f"p{q.context}"
            before += bot.retriever.retrieve(q.question, k=1)[0].source == gold
            after += bot.retriever.retrieve(respelt, k=1)[0].source == gold
        level = f"{rare}:{common}"
        result[level] = {"questions": len(part.questions), "respelt": changed, "in_own_paragraph": right,
                         "recall@1_before": before, "recall@1_after": after}
        print(f"levels {level}: {result[level]}", file=sys.stderr, flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.spelling", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, action="append", help="folder with dev.jsonl.gz")
    parser.add_argument("--levels", action="append", metavar="RARE:COMMON",
                        help="Zipf levels to try (default 2:2, that is rare words only, 2:3 and 2:3.5)")
    args = parser.parse_args(argv)
    levels = [tuple(float(v) for v in pair.split(":")) for pair in args.levels or ["2:2", "2:3", "2:3.5"]]
    splits = source_splits(data.load_split([d / "dev.jsonl.gz" for d in args.data]))
    with tempfile.TemporaryDirectory() as folder:
        report = {name: study(part, Path(folder) / f"s{n}", levels)
                  for n, (name, part) in enumerate(splits.items())}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
