"""The training command on a few questions: dev metrics, checkpoints, resume, weights
the runtime loads."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT

DATA = ROOT.parent / "shared" / "train" / "squad-reader"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.exists(), reason="../shared/train/squad-reader is absent (training data not mounted)"),
]


def train(out, *extra):
    return subprocess.run(
        [sys.executable, "-m", "assistant.reader.train", "--data", str(DATA), "--out", str(out), "--limit", "24",
         "--batch-size", "8", "--epochs", "3", "--checkpoint-every", "2", "--seed", "3", *extra],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )


def test_trains_reports_dev_metrics_checkpoints_and_resumes(tmp_path):
    first = train(tmp_path, "--max-steps", "2")
    assert first.returncode == 0, first.stderr
    assert "dev after epoch 1" in first.stdout
    metrics = json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])
    assert {"exact_match", "f1", "has_answer_auc"} <= set(metrics) and metrics["step"] == 2
    assert (tmp_path / "checkpoint.pt").exists() and (tmp_path / "reader.safetensors").exists()

    import torch

    state = torch.load(tmp_path / "checkpoint.pt", weights_only=False)
    state["minutes"] = 100.0  # as if the run had trained for 100 minutes before it stopped
    torch.save(state, tmp_path / "checkpoint.pt")
    resumed = train(tmp_path, "--max-steps", "4", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed at step 2" in resumed.stdout
    last = json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])
    assert last["step"] == 4 and last["minutes"] >= 100.0  # the card counts the time before the resume

    from assistant.reader import load_reader

    reader = load_reader(str(tmp_path / "reader.safetensors"))
    (span,) = reader.read("Who won?", ["The Denver Broncos won the game."])
    assert "The Denver Broncos won the game."[span.start : span.end] == span.text


EXTRA = ROOT.parent / "shared" / "train" / "qa-extra"


@pytest.mark.skipif(not EXTRA.exists(), reason="../shared/train/qa-extra is absent (training data not mounted)")
def test_several_sources_train_one_reader_and_report_dev_figures_per_source(tmp_path):
    result = train(tmp_path, "--data", str(EXTRA), "--mix", "squad-reader=0.5", "--negatives", "0.5",
                   "--max-steps", "2")
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])
    assert {"squad-reader/SQuAD", "qa-extra/qed_dev"} <= set(metrics["sources"])
    assert all({"exact_match", "f1", "has_answer_auc"} <= set(v) for v in metrics["sources"].values())


def test_a_mix_draws_each_sources_share_anew_every_epoch():
    import random

    from assistant.reader.data import Question, Split
    from assistant.reader.train import drawn

    questions = [Question(f"a{n}", "t", 0, "q", (("x", 0),), "big/a") for n in range(100)]
    questions += [Question(f"b{n}", "t", 0, "q", (("x", 0),), "small/b") for n in range(10)]
    split = Split(["x"], questions, {})
    first = drawn(split, {"big": 0.3, "b": 2}, random.Random(1))
    second = drawn(split, {"big": 0.3, "b": 2}, random.Random(2))
    assert sum(q.source == "big/a" for q in first) == 30 and sum(q.source == "small/b" for q in first) == 20
    assert {q.id for q in first if q.source == "big/a"} != {q.id for q in second if q.source == "big/a"}


def test_one_paragraph_articles_get_negatives_from_their_own_source(tmp_path):
    import gzip

    from assistant.reader.data import load_split

    rows = [{"id": "q1", "title": "Lighthouse", "context": "The Skagen lighthouse is 46 metres tall and white.",
             "question": "How tall is the Skagen lighthouse?", "answers": [{"text": "46 metres", "answer_start": 29}],
             "is_impossible": False, "source": "qed_train (x)"},
            {"id": "q2", "title": "Harbour", "context": "The Skagen harbour was dredged in 1950 for ferries.",
             "question": "When was the harbour dredged?", "answers": [{"text": "1950", "answer_start": 34}],
             "is_impossible": False, "source": "qed_train (x)"},
            {"id": "q3", "title": "Other", "context": "Skagen painters worked near the lighthouse in summer.",
             "question": "Who painted?", "answers": [{"text": "Skagen painters", "answer_start": 0}],
             "is_impossible": False, "source": "tydi (y)"}]
    path = tmp_path / "train.jsonl.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("\n".join(json.dumps(r) for r in rows))
    split = load_split(path)
    assert [split.contexts[c] for c in split.negatives["q1"]] == [rows[1]["context"]]
    assert {q.source for q in split.questions} == {f"{tmp_path.name}/qed_train", f"{tmp_path.name}/tydi"}


def test_the_shared_normalisation_loss_trains_too(tmp_path):
    result = train(tmp_path, "--negatives", "1", "--shared-norm", "1", "--max-steps", "2")
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])["step"] == 2
