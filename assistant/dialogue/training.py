"""doc2dial's training turns as reader training data: each follow-up put as the
assistant puts it to the reader (``rewrite.condense``: pleasantries dropped,
pronouns resolved), its page as the context and the agent's grounding span as the
answer, in the SQuAD layout ``assistant.reader.train`` reads.

    python -m assistant.dialogue.training --data ../shared/train/doc2dial --out runs/doc2dial-reader

A tenth of the dialogues (seeded) form the dev split, for early stopping and the
per-source figures of the model card.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

from assistant.dialogue import as_turns, rewrite

DEV_SHARE = 0.1


def rows(data: Path) -> list[dict]:
    with gzip.open(data / "train.jsonl.gz", "rt", encoding="utf-8") as handle:
        turns = [json.loads(line) for line in handle if line.strip()]
    return [{
        "id": turn["id"], "title": turn["title"], "context": turn["context"], "source": "doc2dial",
        "dialogue": turn["dialogue"],
        "question": rewrite.condense(turn["question"], as_turns(turn["history"])),
        "answers": [{"text": turn["answer"], "answer_start": turn["answer_start"]}], "is_impossible": False,
    } for turn in turns if turn["context"][turn["answer_start"]:].startswith(turn["answer"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.dialogue.training", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with doc2dial's train.jsonl.gz")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    converted = rows(args.data)
    dialogues = sorted({r["dialogue"] for r in converted})
    dev = set(random.Random(args.seed).sample(dialogues, round(DEV_SHARE * len(dialogues))))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, keep in (("train", lambda r: r["dialogue"] not in dev), ("dev", lambda r: r["dialogue"] in dev)):
        chosen = [r for r in converted if keep(r)]
        with gzip.open(args.out / f"{name}.jsonl.gz", "wt", encoding="utf-8") as handle:
            for row in chosen:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{name}: {len(chosen)} turns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
