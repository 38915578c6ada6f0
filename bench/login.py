"""Whether password guessing slows the server for everyone else.

    python bench/login.py [--requests 200] [--streams 4] [--json]

Starts ``assistant serve`` with one account on loopback and times ``GET
/v1/collections`` (a token-checked route) alone, then while ``--streams``
threads post wrong passwords to ``/login`` as fast as the server answers. Prints
both medians, their ratio (1.0: unaffected), and how the guesses were answered
(400 wrong password, 429 wait).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def p50_ms(url: str, token: str, n: int) -> float:
    times = []
    for _ in range(n):
        began = time.perf_counter()
        status_of(urllib.request.Request(f"{url}/v1/collections", headers={"Authorization": f"Bearer {token}"}))
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "assistant.cli"]
    with tempfile.TemporaryDirectory() as store:
        subprocess.run([*cli, "users", "--store", store, "add", "ann", "--password-stdin"], input="ann-password\n",
                       text=True, check=True, capture_output=True, env=ENV)
        token = subprocess.run([*cli, "users", "--store", store, "token", "ann"], text=True, check=True,
                               capture_output=True, env=ENV).stdout.strip()
        port = free_port()
        server = subprocess.Popen([*cli, "serve", "--store", store, "--port", str(port)], cwd=ROOT, env=ENV,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.5)
            p50_ms(url, token, 20)  # warm-up
            quiet = p50_ms(url, token, args.requests)
            stop, answers = threading.Event(), collections.Counter()

            def guess(n: int) -> None:
                while not stop.is_set():
                    body = f"username=ann&password=guess-{n}-{time.monotonic()}".encode()
                    answers[status_of(urllib.request.Request(f"{url}/login", data=body, headers={
                        "Content-Type": "application/x-www-form-urlencoded"}))] += 1

            threads = [threading.Thread(target=guess, args=(n,), daemon=True) for n in range(args.streams)]
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            loaded = p50_ms(url, token, args.requests)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {"p50_ms_quiet": round(quiet, 2), "p50_ms_under_guessing": round(loaded, 2),
              "ratio": round(loaded / quiet, 2), "guesses": dict(sorted(answers.items())), "streams": args.streams}
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
