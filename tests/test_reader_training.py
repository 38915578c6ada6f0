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

    resumed = train(tmp_path, "--max-steps", "4", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed at step 2" in resumed.stdout
    assert json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[-1])["step"] == 4

    from assistant.reader import load_reader

    reader = load_reader(str(tmp_path / "reader.safetensors"))
    (span,) = reader.read("Who won?", ["The Denver Broncos won the game."])
    assert "The Denver Broncos won the game."[span.start : span.end] == span.text
