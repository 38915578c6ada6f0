"""Fit the extractive answerer's sentence weights and decline threshold on
labelled question sets, and write ``assistant/answerers/extractive.json``.

    python -m evals.calibrate ../shared/evals/squad-dev [more suites...] [--write]

A candidate sentence is labelled right when it contains a gold answer
(normalised). Sentence weights: L2-regularised logistic regression over the
candidates of answerable questions. Confidence: logistic regression on the best
candidate's features, labelled "answerable and the best sentence is right".
Threshold: the confidence below which 10% of answerable questions fall (a
user-facing choice: few wrongly declined answers), reported with two-fold
cross-validation.
"""

from __future__ import annotations

import argparse
import functools
import json

import numpy as np

from assistant.answerers.extractive import CALIBRATION_FILE, CONFIDENCE_FEATURES, FEATURES, Calibration, ExtractiveAnswerer
from evals import metrics
from evals.runner import collection_name
from evals.suites import load_suite


MAX_DECLINED_ANSWERABLE = 0.10


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.05, steps: int = 3000, lr: float = 0.5) -> tuple[np.ndarray, float]:
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / std
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= lr * (z.T @ (p - y) / len(y) + l2 * w)
        b -= lr * float(np.mean(p - y))
    return w / std, b - float((w / std) @ mean)


def collect(suites: list[str], k: int):
    from assistant import Assistant

    rows = []
    for folder in suites:
        suite = load_suite(folder)
        bot = Assistant(collection=collection_name(suite))
        bot.index([suite.corpus])
        answerer = bot.answerer
        assert isinstance(answerer, ExtractiveAnswerer)
        answerer.uncovered = functools.lru_cache(maxsize=None)(answerer.uncovered)  # asked again per fold
        for q in suite.questions:
            from assistant.dialogue import followup

            query = followup.rewrite(q.question, list(q.history))
            passages = bot.retriever.retrieve(query, k=k)
            candidates = answerer.candidates(query, passages)
            labels = [metrics.containment(c.sentence.text, q.answers) if not q.unanswerable else 0.0 for c in candidates]
            feats = np.array([c.features for c in candidates]) if candidates else np.zeros((0, len(FEATURES)))
            rows.append((q, feats, np.array(labels), (answerer, query, candidates)))
    return rows


def confidence_inputs(rows, weights: np.ndarray):
    x, y, answerable = [], [], []
    for q, feats, labels, (answerer, query, candidates) in rows:
        if not len(feats):
            continue
        scores = feats @ weights
        order = np.argsort(-scores)
        named = answerer.confidence_inputs(query, candidates, scores)
        x.append([named[n] for n in CONFIDENCE_FEATURES])
        y.append(float(labels[order[0]] > 0))
        answerable.append(not q.unanswerable)
    return np.array(x), np.array(y), np.array(answerable)


def fit(rows):
    feats = np.concatenate([f for q, f, _, _ in rows if not q.unanswerable and len(f)])
    labels = np.concatenate([l for q, f, l, _ in rows if not q.unanswerable and len(f)])
    weights, _ = fit_logistic(feats, labels)
    weights = weights / np.abs(weights).sum()
    x, y, _ = confidence_inputs(rows, weights)
    cw, cb = fit_logistic(x, y)
    return weights, cw, cb


def evaluate(rows, weights, cw, cb, threshold=None):
    x, y, answerable = confidence_inputs(rows, weights)
    conf = 1 / (1 + np.exp(-(x @ cw + cb)))
    if threshold is None:  # decline at most MAX_DECLINED_ANSWERABLE of the answerable questions
        threshold = float(np.quantile(conf[answerable], MAX_DECLINED_ANSWERABLE))
    declined = conf < threshold
    return {
        "threshold": threshold,
        "top_sentence_contains_gold": float(np.mean(y[answerable])),
        "answered_and_right": float(np.mean(y[answerable] * ~declined[answerable])),
        "declined_unanswerable": float(np.mean(declined[~answerable])) if (~answerable).any() else None,
        "declined_answerable": float(np.mean(declined[answerable])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suites", nargs="+")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write {CALIBRATION_FILE.name}")
    args = parser.parse_args()
    rows = collect(args.suites, args.k)
    rng = np.random.default_rng(0)
    folds = rng.permutation(len(rows)) % 2
    for fold in (0, 1):
        train = [r for r, f in zip(rows, folds) if f != fold]
        test = [r for r, f in zip(rows, folds) if f == fold]
        w, cw, cb = fit(train)
        t = evaluate(train, w, cw, cb)["threshold"]
        print(f"fold {fold} held-out:", json.dumps(evaluate(test, w, cw, cb, t)))
    weights, cw, cb = fit(rows)
    result = evaluate(rows, weights, cw, cb)
    print("all data:", json.dumps(result))
    calibration = {
        "weights": dict(zip(FEATURES, map(float, weights))),
        "confidence": {"weights": dict(zip(CONFIDENCE_FEATURES, map(float, cw))), "bias": float(cb),
                       "threshold": result["threshold"]},
        "second_sentence_ratio": Calibration.load().second_sentence_ratio,
        "off_topic": Calibration.load().off_topic,
        "fitted_on": args.suites,
    }
    print(json.dumps(calibration, indent=2))
    if args.write:
        CALIBRATION_FILE.write_text(json.dumps(calibration, indent=2) + "\n")


if __name__ == "__main__":
    main()
