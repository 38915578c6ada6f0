"""How the reader reads a follow-up, and when it declines one, fitted on doc2dial's
training dialogues (never on ``evals/doc2dial``).

    python -m assistant.dialogue.calibrate --data ../shared/train/doc2dial --work runs/d2d-train \
        --held-out runs/doc2dial-reader/dev.jsonl.gz --write

Every follow-up turn, and every opening turn put in the first person (``utterance.personal``:
the reader meets those with the same threshold), is searched as the assistant searches it
(``DialogueRetriever``), then read with each way of putting the question (``QUERY_FORMS``: as the answerer
reads it, which keeps the better of the turn and its questions alone; the turn alone; its questions alone;
the turn after the previous one); the report gives,
per form, how often the quoted sentence overlaps the span the human agent answered
from. The decline threshold for follow-ups (``dialogue_threshold`` in the reader's
``calibration.json``) is the one that declines ``TARGET_FALSE_DECLINES`` of these
answerable turns (a smoothed quantile, as there are few of them): the SQuAD-style
threshold declined a quarter of them, because a conversational turn ("ok tell me the
requirements?") scores lower than a well-formed question over the same sentence.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import numpy as np

from assistant.dialogue.fit import load_turns, write_corpus
from assistant.dialogue.turns import as_turns
from assistant.dialogue.utterance import readings

TARGET_FALSE_DECLINES = 0.05


def _as_put(build):
    """A form that puts ``build(rewritten, earlier)`` to the reader, read once."""
    def read(answerer, rewritten: str, earlier: list[str], passages: list):
        reading = build(rewritten, earlier)
        return reading, answerer.rank(reading, passages)
    return read


QUERY_FORMS = {  # (answerer, rewritten turn, earlier turns, passages) -> (what the reader read, its ranking)
    "as_answered": lambda answerer, rewritten, earlier, passages: answerer.read(rewritten, passages, follow_up=True),
    "rewritten": _as_put(lambda rewritten, earlier: rewritten),
    "questions_alone": _as_put(lambda rewritten, earlier: readings(rewritten)[-1]),
    "with_previous_turn": _as_put(lambda rewritten, earlier: " ".join([*earlier[-1:], rewritten])),
}
SHIPPED_FORM = "as_answered"  # what ``ReaderAnswerer.answer`` does; its threshold is the one written


def smoothed_quantile(values: list[float], q: float, grid: int = 200_001) -> float:
    """The Harrell–Davis estimate of the ``q`` quantile: every order statistic weighted by a
    Beta(q(n+1), (1-q)(n+1)) distribution rather than the one or two nearest. A 5% tail of ~110
    held-out turns is five scores; the plain quantile moved by a whole turn's score (-11.0 → -9.7)
    when retrieval changed, the smoothed one less than half as far."""
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    n = len(ordered)
    a, b = q * (n + 1), (1 - q) * (n + 1)
    x = np.linspace(0.0, 1.0, grid)[1:-1]
    density = np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x))
    cdf = np.concatenate([[0.0], np.cumsum(density)])
    cdf /= cdf[-1]
    at = np.interp(np.arange(n + 1) / n, np.concatenate([[0.0], x]), cdf)
    return float(np.diff(at) @ ordered)


def overlap(start: int, end: int, text: str, answer: str) -> bool:
    from evals import metrics

    return metrics.overlaps(start, end, metrics.occurrences(text, answer))


def read_turns(bot, turns, limit: int | None) -> dict[str, list[tuple[float, bool, bool]]]:
    """Per query form: ``(fused score, right page, quote overlaps the gold span)`` of each dialogue
    turn: a follow-up, or an opening put in the first person. Quoted as the answerer quotes."""
    from assistant.answerers.quotes import CONVERSATION_WORDS, quote_around
    from assistant.answerers.reader import supported_span
    from assistant.dialogue import rewrite, utterance

    pipeline, answerer = bot.pipeline, bot.answerer
    conversational = [t for t in turns if utterance.conversational(t.question, bool(t.history))][:limit]
    texts: dict[str, str] = {}
    out: dict[str, list] = {form: [] for form in QUERY_FORMS}
    for number, turn in enumerate(conversational, start=1):
        history = as_turns(turn.history)
        rewritten = rewrite.condense(turn.question, history)
        passages = pipeline.retriever.retrieve(rewritten, history)
        for form, read in QUERY_FORMS.items():
            reading, ranked = read(answerer, rewritten, turn.history, passages)
            if not ranked:
                out[form].append((-99.0, False, False))
                continue
            fused, passage, span = ranked[0]
            span = supported_span(reading, passage, span)
            quote = quote_around(passage, span.start, span.end, reading, min_words=CONVERSATION_WORDS)
            text = texts.setdefault(passage.source, bot.collection.document_text(passage.source))
            right = passage.source == turn.source
            out[form].append((fused, right, right and overlap(quote.start, quote.end, text, turn.answer)))
        if number % 100 == 0:
            print(f"{number}/{len(conversational)} turns read", flush=True)
    return out


def summary(reads: list[tuple[float, bool, bool]], threshold: float) -> dict:
    scores = np.array([r[0] for r in reads])
    answered = scores >= threshold
    return {"turns": len(reads), "rank1_source": round(float(np.mean([r[1] for r in reads])), 4),
            "quote_overlap": round(float(np.mean([r[2] and a for r, a in zip(reads, answered)])), 4),
            "declined": round(float(1 - answered.mean()), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.dialogue.calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with doc2dial's train.jsonl.gz")
    parser.add_argument("--work", type=Path, required=True, help="folder for the pages and their index")
    parser.add_argument("--weights", help="reader weights file (default: the shipped reader)")
    parser.add_argument("--limit", type=int, help="read only the first N follow-up turns")
    parser.add_argument("--held-out", type=Path, help="only the dialogues of this reader dev file (e.g. "
                        "runs/doc2dial-reader/dev.jsonl.gz): a reader trained on the other turns scores them too high")
    parser.add_argument("--write", action="store_true", help="write dialogue_threshold into the reader's calibration.json")
    args = parser.parse_args(argv)

    from assistant import Assistant
    from assistant.answerers.reader import CALIBRATION
    from assistant.reader.runtime import weights_folder

    turns, rows = load_turns(args.data)
    write_corpus(rows, args.work / "corpus")
    if args.held_out:
        with gzip.open(args.held_out, "rt", encoding="utf-8") as handle:
            kept = {json.loads(line)["id"] for line in handle if line.strip()}
        turns = [t for t, r in zip(turns, rows) if r["id"] in kept]
    bot = Assistant(collection="d2d-train", store=args.work / "store", llm_options={"model": args.weights} if args.weights else {})
    bot.index([args.work / "corpus"])
    reads = read_turns(bot, turns, args.limit)
    report = {}
    for form, values in reads.items():
        threshold = smoothed_quantile([v[0] for v in values], TARGET_FALSE_DECLINES)
        report[form] = {"threshold": round(threshold, 3), "at_threshold": summary(values, threshold),
                        "at_reader_threshold": summary(values, bot.answerer.calibration.threshold)}
    print(json.dumps(report, indent=2))
    if args.write:
        target = (Path(args.weights).parent if args.weights else weights_folder()) / CALIBRATION
        record = json.loads(target.read_text())
        record["dialogue_threshold"] = report[SHIPPED_FORM]["threshold"]
        record["dialogue_fit"] = {"command": "python -m assistant.dialogue.calibrate " + " ".join(argv or sys.argv[1:]),
                                  "report": report}
        target.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote dialogue_threshold to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
