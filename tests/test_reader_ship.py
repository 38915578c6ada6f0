"""Shipping a reader warm-started from the shipped one keeps the previous weights."""

import json

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from assistant.reader import ship

CALIBRATION = json.dumps({"rank_weight": 2.0, "threshold": -2.0, "off_topic": 0.6})


def _weights(path, init=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    args = {"data": ["../shared/train/squad-reader"], "epochs": 1, **({"init": str(init)} if init else {})}
    save_file({"qa.weight": torch.zeros(2, 4)}, str(path), metadata={"args": json.dumps(args), "dev": json.dumps(
        {"epoch": 1, "step": 10, "minutes": 1.0, "exact_match": 0.5, "f1": 0.6, "has_answer_auc": 0.9})})


def test_a_run_from_the_shipped_weights_keeps_them_and_the_card_lists_both_stages(tmp_path, monkeypatch):
    shipped = tmp_path / "package" / "reader.safetensors"
    _weights(shipped)
    (shipped.parent / "calibration.json").write_text(CALIBRATION)
    run = tmp_path / "run"
    _weights(run / "reader.safetensors", init=shipped)
    monkeypatch.setattr(ship, "weights_folder", lambda: shipped.parent)
    old = shipped.read_bytes()

    ship.main([str(run)])

    previous = run / "previous" / "reader.safetensors"
    assert previous.read_bytes() == old and (run / "previous" / "calibration.json").read_text() == CALIBRATION
    with safe_open(str(shipped), framework="pt") as handle:
        training = json.loads(handle.metadata()["args"])
    assert training["init"] == str(previous)
    assert len(ship.earlier_stages(training)) == 1
    card = (shipped.parent / "MODEL_CARD.md").read_text()
    assert f"--init {previous}" in card


def test_stages_that_point_at_each_other_end(tmp_path):
    weights = tmp_path / "reader.safetensors"
    _weights(weights, init=weights)
    assert len(ship.earlier_stages({"init": str(weights)})) == 1
