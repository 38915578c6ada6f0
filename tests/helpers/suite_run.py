"""Score a suite folder through the CLI, as users and CI do, in a store of its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def eval_metrics(suite: Path, work: Path, timeout: int = 1200) -> dict:
    """``assistant eval SUITE --json`` with its store and report under ``work``; its metrics."""
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", str(suite), "--store", str(work / "store"), "--json",
         "--out", str(work / "report")],
        capture_output=True, text=True, timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
