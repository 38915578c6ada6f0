"""How long a chunk is, measured on the reader's dev splits put back together as whole
articles: every article's paragraphs, in order, become one document, indexed at each chunk
length tried, and every dev question is asked of that collection as a user asks it:

    python -m evals.chunking --data ../shared/train/squad-reader --data ../shared/train/qa-extra \\
        --work runs/chunking --tokens 128:24 --tokens 200:32 --tokens 300:48

A dev paragraph alone is shorter than any chunk, so the reader's calibration cannot see
what the chunk length does; a long article read through its top passages can. Reported per
source and chunk length: the right article ranked first and within the first five passages,
EM and F1 of the short answer, containment of the gold answer in the reply (short answer
and quote), and the declines. Never run on ``../shared/evals``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from assistant.reader import data
from evals import metrics


def ask_all(split: data.Split, tokens: int, overlap: int, work: Path, limit: int | None) -> dict:
    from assistant import Assistant
    from index import IndexConfig

    corpus, article_of = data.write_articles(split, work / "corpus")
    bot = Assistant(collection=f"articles-{tokens}", store=work / f"store-{tokens}-{overlap}",
                    index=IndexConfig(chunk_tokens=tokens, chunk_overlap=overlap))
    bot.index([corpus])
    rows: dict[str, list[dict]] = defaultdict(list)
    questions = split.questions[:limit] if limit else split.questions
    for n, q in enumerate(questions, start=1):
        answer = bot.ask(q.question)
        article = article_of[q.context]
        ranked = [p.source for p in answer.passages]
        golds = [text for text, _ in q.answers]
        row = {"declined": answer.declined}
        if golds:
            said = "" if answer.declined else re.sub(r"\s*\[\d+\]", "", answer.answer)
            short = "" if answer.declined else (answer.short_answer or said)
            row.update(rank1=float(bool(ranked) and ranked[0] == article), recall5=float(article in ranked[:5]),
                       exact_match=metrics.exact_match(short, golds), f1=metrics.f1(short, golds),
                       containment=metrics.containment(said, golds))
        rows[q.source.split("/")[-1]].append(row)
        if n % 500 == 0:
            print(f"{tokens} tokens: {n}/{len(questions)} questions", file=sys.stderr, flush=True)
    return {source: summary(values) for source, values in sorted(rows.items())}


def summary(rows: list[dict]) -> dict:
    answerable = [r for r in rows if "f1" in r]
    unanswerable = [r for r in rows if "f1" not in r]

    def mean(key: str, values: list[dict]) -> float | None:
        return round(float(np.mean([r[key] for r in values])), 4) if values else None

    return {"questions": len(rows), **{key: mean(key, answerable) for key in
                                       ("rank1", "recall5", "exact_match", "f1", "containment")},
            "declined_answerable": mean("declined", answerable), "declined_unanswerable": mean("declined", unanswerable)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.chunking", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, action="append", help="folder with dev.jsonl.gz")
    parser.add_argument("--work", required=True, type=Path, help="folder for the articles and their indexes")
    parser.add_argument("--tokens", action="append", metavar="TOKENS:OVERLAP",
                        help="chunk lengths to try (default: 200:32, the shipped one)")
    parser.add_argument("--limit", type=int, help="ask only the first N questions")
    args = parser.parse_args(argv)
    split = data.load_split([d / "dev.jsonl.gz" for d in args.data])
    report = {}
    for setting in args.tokens or ["200:32"]:
        tokens, overlap = (int(v) for v in setting.split(":"))
        report[setting] = ask_all(split, tokens, overlap, args.work, args.limit)
        print(json.dumps({setting: report[setting]}), file=sys.stderr, flush=True)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
