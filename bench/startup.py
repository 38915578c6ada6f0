"""How long the commands a user meets first take from a cold process.

    python bench/startup.py [--runs 3] [--json]

Each command runs as a fresh process on an index built beforehand (not timed):
cold ``assistant ask`` (the default answerer), ``index`` of one small new file,
``documents``, ``--help``, and the app from launch to its first served page. Each
median is given in seconds and as a ratio to ``python -c pass`` and to
``python -c "import torch"`` measured in the same run, so machines of different
speed compare.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False",
       "TOKENIZERS_PARALLELISM": "false"}


def timed(command: list[str], cwd: Path = ROOT) -> float:
    began = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_start(store: Path) -> float:
    """Seconds from launching ``python app.py`` until its page is served."""
    port = free_port()
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--store", str(store), "--port", str(port)],
                               cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - began < 300:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - began
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(f"app.py exited with {process.returncode}") from None
                time.sleep(0.05)
        raise SystemExit("the app served no page within 300 s")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per command (the median is reported)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    assistant = str(BIN / "assistant")
    with tempfile.TemporaryDirectory() as folder:
        store, corpus = Path(folder) / "store", ROOT / "evals" / "sample" / "corpus"
        base = ["--store", str(store), "--collection", "bench"]
        timed([assistant, "index", str(corpus), *base, "--json"])
        timed([assistant, "ask", "warm the disk cache", *base, "--json"])
        note = Path(folder) / "new" / "note.txt"
        note.parent.mkdir()
        note.write_text("The night bus runs every 20 minutes after midnight.\n")
        commands = {
            "python_pass": lambda i: timed([sys.executable, "-c", "pass"]),
            "import_torch": lambda i: timed([sys.executable, "-c", "import torch"]),
            "ask": lambda i: timed([assistant, "ask", "How much does a single ride cost?", *base, "--json"]),
            "index_one_file": lambda i: timed([assistant, "index", str(note.parent), "--store", str(store),
                                               "--collection", f"one-{i}", "--json"]),
            "documents": lambda i: timed([assistant, "documents", *base, "--json"]),
            "help": lambda i: timed([assistant, "--help"]),
            "app_served": lambda i: app_start(store),
        }
        seconds = {name: statistics.median(run(i) for i in range(args.runs)) for name, run in commands.items()}
    result = {
        "runs": args.runs,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "ratio_to_python": {k: round(v / seconds["python_pass"], 1) for k, v in seconds.items()},
        "ratio_to_import_torch": {k: round(v / seconds["import_torch"], 2) for k, v in seconds.items()},
    }
    if args.json:
        print(json.dumps(result))
    else:
        for name, value in seconds.items():
            print(f"{name:16s} {value:7.3f} s  x{result['ratio_to_python'][name]:6.1f} python  "
                  f"x{result['ratio_to_import_torch'][name]:5.2f} import torch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
