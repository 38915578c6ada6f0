"""Fine-tune all-MiniLM-L6-v2 into the reader.

    python -m assistant.reader.train --data ../shared/train/squad-reader --out runs/reader
    python -m assistant.reader.train --data ../shared/train/squad-reader --data ../shared/train/qa-extra \
        --mix squad-reader=0.3 --negatives 0.5 --init assistant/reader/weights/reader.safetensors --out runs/reader

Several ``--data`` folders train one model; ``--mix SOURCE=SHARE`` sets the share of a
source's questions drawn each epoch (above 1: repeated). Seeded; prints progress and, after each epoch, dev exact match, F1 and has-answer
AUC; writes a resumable checkpoint every ``--checkpoint-every`` steps (``--resume``
continues from it) and ``reader.safetensors`` of the best epoch by dev F1 + AUC.
bf16 autocast on CPUs with native bf16, CUDA when present. ``--max-steps`` and
``--limit`` make a run small enough for a test.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from assistant.reader import data
from assistant.reader.model import ReaderModel, save
from assistant.reader.shared_norm import context_mask, shared_loss
from assistant.reader.spans import best_spans
from assistant.reader.windows import Encoder, Window, batch
from index.embedders.minilm import cpu_has_native_bf16, model_folder


@dataclass(frozen=True)
class Example:
    window: Window
    start: int  # 0 (the [CLS] position) when the window holds no answer
    end: int
    group: int = 0  # the question draw it belongs to (its own paragraph's windows and its negatives')


def label(window: Window, answer: tuple[str, int] | None) -> Example:
    if answer is None:
        return Example(window, 0, 0)
    text, first = answer
    last = first + len(text)
    offsets = window.offsets
    if len(offsets) == 0 or offsets[0, 0] > first or offsets[-1, 1] < last:
        return Example(window, 0, 0)
    start = int(np.nonzero(offsets[:, 1] > first)[0][0])
    end = int(np.nonzero(offsets[:, 0] < last)[0][-1])
    return Example(window, window.context_start + start, window.context_start + end)


class Featurizer:
    """Tokenises each paragraph and question once; windows on demand."""

    def __init__(self, encoder: Encoder, split: data.Split):
        self.encoder = encoder
        self.contexts = encoder.tokens(split.contexts)
        self.questions = dict(zip((q.id for q in split.questions), encoder.tokens([q.question for q in split.questions])))

    def windows(self, question: data.Question, context: int) -> list[Window]:
        return self.encoder.windows(self.questions[question.id], self.contexts[context])

    def examples(self, question: data.Question, context: int) -> list[Example]:
        answer = question.answers[0] if question.answers and context == question.context else None
        return [label(w, answer) for w in self.windows(question, context)]


def drawn(split: data.Split, mix: dict[str, float], rng: random.Random) -> list[data.Question]:
    """This epoch's questions: of each source its ``mix`` share (default all), drawn anew
    every epoch, so a down-weighted source still shows all its questions over a run.
    A share is named by the whole source (``qa-extra/qed_train``) or either part of it."""
    chosen = []
    for source in split.sources():
        own = [q for q in split.questions if q.source == source]
        folder, _, dataset = source.partition("/")
        share = mix.get(source, mix.get(dataset, mix.get(folder, 1.0)))
        whole, part = int(share), share - int(share)
        chosen.extend(own * whole)
        chosen.extend(rng.sample(own, round(part * len(own))))
    return chosen


def epoch_examples(split: data.Split, features: Featurizer, rng: random.Random, unanswerable: int = 1,
                   mix: dict[str, float] | None = None, negatives: float = 1.0) -> list[Example]:
    """Each drawn question with its own paragraph (unanswerables ``unanswerable`` times:
    they are the rare, hard "no answer" cases) and, with probability ``negatives``, one
    sampled paragraph without its answer."""
    questions = drawn(split, mix or {}, rng)
    examples: list[Example] = []
    draws: dict[str, list[int]] = {}
    group = -1
    for q in questions:
        for _ in range(1 if q.answers else unanswerable):
            group += 1
            draws.setdefault(q.id, []).append(group)
            examples.extend(replace(e, group=group) for e in features.examples(q, q.context))
    for q, context in data.sample_negatives(split, rng, questions, rate=negatives):
        group = draws[q.id].pop(0)  # one pair at most per draw: the same list, in order
        examples.extend(replace(e, group=group) for e in features.examples(q, context))
    return examples


def batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Shuffled batches of similar length (little padding), in shuffled order."""
    order = examples[:]
    rng.shuffle(order)
    pool = size * 50
    result = []
    for i in range(0, len(order), pool):
        group = sorted(order[i : i + pool], key=lambda e: len(e.window))
        result.extend(group[j : j + size] for j in range(0, len(group), size))
    rng.shuffle(result)
    return result


def grouped_batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Batches of whole question draws (for the shared-normalisation loss), of similar
    length, in shuffled order; a draw with more than ``size`` windows is a batch alone."""
    by_group: dict[int, list[Example]] = {}
    for e in examples:
        by_group.setdefault(e.group, []).append(e)
    groups = list(by_group.values())
    rng.shuffle(groups)
    pool, result = size * 20, []
    for i in range(0, len(groups), pool):
        current: list[Example] = []
        for group in sorted(groups[i : i + pool], key=lambda g: max(len(e.window) for e in g)):
            if current and len(current) + len(group) > size:
                result.append(current)
                current = []
            current = current + group
        if current:
            result.append(current)
    rng.shuffle(result)
    return result


def tensors(items: list[Example], device: torch.device) -> dict[str, torch.Tensor]:
    padded = {k: torch.from_numpy(v).to(device) for k, v in batch([e.window for e in items]).items()}
    padded["start"] = torch.tensor([e.start for e in items], device=device)
    padded["end"] = torch.tensor([e.end for e in items], device=device)
    padded["group"] = torch.tensor([e.group for e in items], device=device)
    padded["context"] = context_mask([len(e.window.offsets) for e in items], [e.window.context_start for e in items],
                                     padded["input_ids"].shape[1], device)
    return padded


def autocast(device: torch.device):
    enabled = device.type == "cuda" or cpu_has_native_bf16()
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=enabled)


# -- evaluation on the dev split ---------------------------------------------------------------


def read(model: ReaderModel, windows: list[Window], device: torch.device, size: int = 64):
    """The best span of each window (``WindowSpan``), in order."""
    spans = []
    model.eval()
    with torch.inference_mode(), autocast(device):
        for i in range(0, len(windows), size):
            part = windows[i : i + size]
            inputs = {k: torch.from_numpy(v).to(device) for k, v in batch(part).items()}
            start, end = model(**inputs)
            spans.extend(best_spans(start.float().cpu().numpy(), end.float().cpu().numpy(),
                                    [w.context_start for w in part], [len(w.offsets) for w in part]))
    return spans


def auc(positive: list[float], negative: list[float]) -> float:
    """Probability that a random positive scores above a random negative."""
    if not positive or not negative:
        return float("nan")
    scores = np.array(positive + negative)
    ranks = scores.argsort().argsort() + 1.0
    return float((ranks[: len(positive)].sum() - len(positive) * (len(positive) + 1) / 2) / (len(positive) * len(negative)))


def evaluate(model: ReaderModel, split: data.Split, features: Featurizer, device: torch.device) -> dict:
    """EM and F1 of the best span on each answerable question's own paragraph, and the
    AUC of "span beats no-answer" between those and the paragraphs without an answer
    (unanswerables and each question's most similar other paragraph): over all
    questions, and per source under ``sources``."""
    from evals.metrics import exact_match, f1

    jobs = [(q, q.context) for q in split.questions]
    jobs += [(q, split.negatives[q.id][0]) for q in split.questions if split.negatives[q.id] and q.answers]
    windows, owner = [], []
    for n, (q, context) in enumerate(jobs):
        for w in features.windows(q, context):
            windows.append(w)
            owner.append(n)
    spans = read(model, windows, device)
    best: dict[int, tuple[float, str]] = {}
    for n, w, span in zip(owner, windows, spans):
        q, context = jobs[n]
        first, last = w.offsets[span.start_token - w.context_start][0], w.offsets[span.end_token - w.context_start][1]
        if n not in best or span.margin > best[n][0]:
            best[n] = (span.margin, split.contexts[context][first:last])
    groups: dict[str, tuple[list, list, list, list]] = {}
    for n, (q, context) in enumerate(jobs):
        margin, text = best[n]
        for name in ("all", q.source):
            ems, f1s, has, hasnt = groups.setdefault(name, ([], [], [], []))
            if q.answers and context == q.context:
                golds = [a for a, _ in q.answers]
                ems.append(exact_match(text, golds))
                f1s.append(f1(text, golds))
                has.append(margin)
            else:
                hasnt.append(margin)

    def figures(ems: list, f1s: list, has: list, hasnt: list) -> dict:
        return {"exact_match": round(float(np.mean(ems)), 4), "f1": round(float(np.mean(f1s)), 4),
                "has_answer_auc": round(auc(has, hasnt), 4), "answerable": len(has), "no_answer": len(hasnt)}

    result = figures(*groups.pop("all"))
    if len(groups) > 1:
        result["sources"] = {name: figures(*lists) for name, lists in sorted(groups.items())}
    return result


# -- training --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m assistant.reader.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, action="append",
                        help="folder with train.jsonl.gz and dev.jsonl.gz (repeat for several sources)")
    parser.add_argument("--mix", action="append", default=[], metavar="SOURCE=SHARE",
                        help="share of a source's training questions drawn each epoch (default 1)")
    parser.add_argument("--negatives", type=float, default=1.0,
                        help="chance that a question is also read with a paragraph without its answer")
    parser.add_argument("--out", required=True, type=Path, help="folder for checkpoints, metrics and the weights")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--warmup", type=float, default=0.06, help="share of steps with a rising learning rate")
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--init", type=Path, help="start from these reader weights instead of all-MiniLM-L6-v2")
    parser.add_argument("--unanswerable", type=int, default=1,
                        help="times each unanswerable question is seen per epoch")
    parser.add_argument("--shared-norm", type=float, default=0.0, metavar="WEIGHT",
                        help="add the loss normalised over all windows of a question draw, with this weight "
                             "(batches then hold whole draws; see assistant/reader/shared_norm.py)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-steps", type=int, help="stop after this many steps (tests, trials)")
    parser.add_argument("--limit", type=int, help="use only the first N questions of each split")
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    parser.add_argument("--threads", type=int, help="CPU threads (default: torch's)")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    encoder_folder = model_folder()
    encoder = Encoder(encoder_folder)
    mix = parse_mix(args.mix)
    train = data.load_split([d / "train.jsonl.gz" for d in args.data], args.limit)
    dev = data.load_split([d / "dev.jsonl.gz" for d in args.data if (d / "dev.jsonl.gz").exists()], args.limit)
    train_features, dev_features = Featurizer(encoder, train), Featurizer(encoder, dev)
    log(f"{len(train.questions)} training and {len(dev.questions)} dev questions on {device}")

    if args.init:
        from assistant.reader.model import load

        model = load(args.init, encoder_folder).to(device)
    else:
        model = ReaderModel.from_encoder(encoder_folder, dropout=args.dropout).to(device)
    model.freeze_embeddings()
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=args.lr, weight_decay=0.01)

    def plan_for(rng: random.Random) -> list[Example]:
        return epoch_examples(train, train_features, rng, args.unanswerable, mix, args.negatives)

    steps_per_epoch = math.ceil(len(plan_for(random.Random(0))) / args.batch_size)
    total = min(args.max_steps or steps_per_epoch * args.epochs, steps_per_epoch * args.epochs)
    warmup = max(int(total * args.warmup), 1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(total - step, 0) / max(total - warmup, 1))
    )
    args.out.mkdir(parents=True, exist_ok=True)
    checkpoint_path, history_path = args.out / "checkpoint.pt", args.out / "metrics.jsonl"
    step, best_score, earlier_minutes = 0, -math.inf, 0.0
    if args.resume and checkpoint_path.exists():
        state = torch.load(checkpoint_path, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, best_score = state["step"], state["best_score"]
        earlier_minutes = state.get("minutes", 0.0)  # training time before this resume, for the card
        log(f"resumed at step {step}")

    def minutes() -> float:
        return earlier_minutes + (time.perf_counter() - started) / 60

    def checkpoint() -> None:
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "step": step, "best_score": best_score, "minutes": minutes()}, checkpoint_path.with_suffix(".tmp"))
        checkpoint_path.with_suffix(".tmp").replace(checkpoint_path)

    started, seen = time.perf_counter(), 0
    for epoch in range(step // steps_per_epoch, args.epochs):
        rng = random.Random(args.seed * 1000 + epoch)  # the same epoch order on resume
        plan = (grouped_batches if args.shared_norm else batches)(plan_for(rng), args.batch_size, rng)
        model.train()
        for position, items in enumerate(plan):
            if epoch * steps_per_epoch + position < step:
                continue
            if step >= total:
                break
            inputs = tensors(items, device)
            with autocast(device):
                start, end = model(inputs["input_ids"], inputs["attention_mask"], inputs["token_type_ids"])
            loss = (torch.nn.functional.cross_entropy(start, inputs["start"])
                    + torch.nn.functional.cross_entropy(end, inputs["end"])) / 2
            if args.shared_norm:
                loss = loss + args.shared_norm * shared_loss(start, end, inputs["start"], inputs["end"],
                                                             inputs["context"], inputs["group"])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            seen += len(items)
            if step % 20 == 0 or step == total:
                rate = seen / (time.perf_counter() - started)
                log(f"epoch {epoch + 1} step {step}/{total} loss {loss.item():.3f} lr {scheduler.get_last_lr()[0]:.2e} "
                    f"{rate:.1f} windows/s")
            if step % args.checkpoint_every == 0:
                checkpoint()
                save(model, args.out / "last.safetensors", extra={"step": step, "args": _plain(args)})
        metrics = evaluate(model, dev, dev_features, device)
        metrics.update(epoch=epoch + 1, step=step, minutes=round(minutes(), 1))
        log(f"dev after epoch {epoch + 1}: {json.dumps(metrics)}")
        with history_path.open("a") as handle:
            handle.write(json.dumps(metrics) + "\n")
        score = metrics["f1"] + metrics["has_answer_auc"]
        if score > best_score:
            best_score = score
            save(model, args.out / "reader.safetensors", extra={"dev": metrics, "args": _plain(args)})
            log(f"saved {args.out / 'reader.safetensors'}")
        checkpoint()
        if step >= total:
            break
    return 0


def parse_mix(entries: list[str]) -> dict[str, float]:
    mix = {}
    for entry in entries:
        name, _, share = entry.partition("=")
        try:
            mix[name] = float(share)
        except ValueError:
            raise SystemExit(f"--mix {entry!r}: write SOURCE=SHARE, e.g. squad-reader=0.3") from None
    return mix


def _plain(args: argparse.Namespace) -> dict:
    def plain(v):
        return [plain(x) for x in v] if isinstance(v, list) else str(v) if isinstance(v, Path) else v

    return {k: plain(v) for k, v in vars(args).items()}


if __name__ == "__main__":
    sys.exit(main())
