"""Shipping a reader keeps the weights it replaces; a run warm-started from them lists them as a stage."""

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


def test_a_run_from_the_base_model_keeps_the_replaced_weights_and_is_the_only_stage(tmp_path, monkeypatch):
    shipped = tmp_path / "package" / "reader.safetensors"
    _weights(shipped)
    (shipped.parent / "calibration.json").write_text(CALIBRATION)
    run = tmp_path / "run"
    _weights(run / "reader.safetensors")
    save_file({"qa.weight": torch.ones(2, 4)}, str(run / "reader.safetensors"),
              metadata={"args": json.dumps({"data": ["../shared/train/squad-reader"], "epochs": 2})})
    monkeypatch.setattr(ship, "weights_folder", lambda: shipped.parent)
    old = shipped.read_bytes()

    ship.main([str(run)])

    assert (run / "previous" / "reader.safetensors").read_bytes() == old
    assert (run / "previous" / "calibration.json").read_text() == CALIBRATION
    assert shipped.read_bytes() == (run / "reader.safetensors").read_bytes()
    card = (shipped.parent / "MODEL_CARD.md").read_text()
    assert "1. `python -m assistant.reader.train --data ../shared/train/squad-reader --epochs 2 --out" in card
    assert "2. `" not in card and "--init" not in card


def test_stages_that_point_at_each_other_end(tmp_path):
    weights = tmp_path / "reader.safetensors"
    _weights(weights, init=weights)
    assert len(ship.earlier_stages({"init": str(weights)})) == 1


def test_the_card_keeps_every_stage_after_the_earlier_runs_are_gone(tmp_path, monkeypatch):
    shipped = tmp_path / "package" / "reader.safetensors"
    _weights(shipped, init=tmp_path / "gone" / "reader.safetensors")  # that run's folder was deleted
    earlier = [{"command": "python -m assistant.reader.train --data first", "init": None, "steps": 7, "minutes": 1.0,
                "dev": [{"epoch": 1, "step": 7, "minutes": 1.0, "exact_match": 0.4, "f1": 0.5, "has_answer_auc": 0.8}]},
               {"command": "python -m assistant.reader.train --data second", "init": "gone", "steps": 10,
                "minutes": 1.0, "dev": []}]
    (shipped.parent / "stages.json").write_text(json.dumps(earlier))
    run = tmp_path / "run"
    _weights(run / "reader.safetensors", init=shipped)
    monkeypatch.setattr(ship, "weights_folder", lambda: shipped.parent)

    ship.main([str(run)])
    ship.main([])  # a rewrite of the card alone (as calibrate --write does) lists the same stages

    card = (shipped.parent / "MODEL_CARD.md").read_text()
    assert "1. `python -m assistant.reader.train --data first`" in card
    assert "2. `python -m assistant.reader.train --data second`" in card
    assert f"3. `python -m assistant.reader.train --data ../shared/train/squad-reader --epochs 1 --init {run}" in card
    assert "| 1 | 1 | 7 | all | 0.400 | 0.500 | 0.800 |" in card
    assert len(json.loads((shipped.parent / "stages.json").read_text())) == 3


def test_a_run_cut_short_by_max_steps_says_so_in_its_command():
    command = ship._command({"data": ["../shared/train/squad-reader"], "epochs": 1, "max_steps": 1200, "lr": 2e-5})
    assert "--epochs 1 --max-steps 1200 --lr 2e-05" in command
    assert "--max-steps" not in ship._command({"data": ["../shared/train/squad-reader"], "epochs": 1})
