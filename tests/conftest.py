"""Shared fixtures: a network blocker, a deterministic fake embedder registered
through the real registry, generated test documents of every format, and a real
assistant (MiniLM + embedded Chroma) over the sample corpus."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "evals" / "sample"
SHARED = ROOT.parent / "shared" / "evals"


def needs_shared(suite: str):
    return pytest.mark.skipif(
        not (SHARED / suite).exists(), reason=f"../shared/evals/{suite} is absent (shared evaluation data not mounted)"
    )


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests may talk to servers on this machine only."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host in ("localhost", "::1") or host.startswith("127.") or host.startswith("/")):
            raise OSError(f"network access to {host} blocked in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


class FakeEmbedder:
    """Deterministic bag-of-words vectors: texts sharing words are similar."""

    model_id = "fake/hashing-64"
    dimensions = 64

    def __init__(self, precision="auto", batch_size=64, max_words=60):
        self.max_words = max_words
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimensions] += 1.0
            norm = np.linalg.norm(out[row]) or 1.0
            out[row] /= norm
        return out

    def fits(self, text):
        return len(text.split()) <= self.max_words


@pytest.fixture
def fake_embedder():
    from index import embedders

    embedders.register("fake", FakeEmbedder)
    return "fake"


@pytest.fixture
def fake_collection(tmp_path, fake_embedder):
    from index import ChromaStore, Collection, IndexConfig

    def make(name="docs", **config):
        return Collection(name, ChromaStore(tmp_path / "chroma"), tmp_path / "catalogs",
                          IndexConfig(embedder=fake_embedder, **config))

    return make


def write_documents(folder: Path) -> Path:
    """One small document of each supported format."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("The lighthouse keeper lit the lamp at dusk. The lamp burned whale oil.\n")
    (folder / "guide.md").write_text("# Guide\n\nThe ferry leaves the harbour at 7:15 every morning.\n")
    (folder / "page.html").write_text(
        "<html><head><title>Tides</title><script>var secret = 'hidden script';</script>"
        "<style>p {color: red}</style></head><body><p>High tide arrives at noon.</p>"
        "<div>Low tide &amp; mud flats follow.</div></body></html>"
    )
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(folder / "report.pdf"))
    pdf.drawString(72, 720, "Page one talks about the granite quarry.")
    pdf.showPage()
    pdf.drawString(72, 720, "Page two says the quarry closed in 1931.")
    pdf.showPage()
    pdf.save()
    import docx

    document = docx.Document()
    document.add_paragraph("The museum opens on Tuesdays.")
    document.add_paragraph("Entry is free for children.")
    document.save(str(folder / "museum.docx"))
    sub = folder / "beir"
    sub.mkdir(exist_ok=True)
    with (sub / "corpus.jsonl").open("w") as handle:
        handle.write(json.dumps({"_id": "d1", "title": "Owls", "text": "Owls hunt at night."}) + "\n")
        handle.write(json.dumps({"_id": "d2", "title": "Bees", "text": "Bees make honey."}) + "\n")
    return folder


@pytest.fixture
def docs_dir(tmp_path):
    return write_documents(tmp_path / "docs")


@pytest.fixture(scope="session")
def sample_bot(tmp_path_factory):
    """A real assistant: MiniLM embeddings, embedded Chroma, the sample corpus indexed."""
    from assistant import Assistant

    bot = Assistant(collection="sample", store=tmp_path_factory.mktemp("store"))
    report = bot.index([SAMPLE / "corpus"])
    assert not report.failed, report.failed
    return bot


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(args: list[str], log: Path, **options):
    """Start a server process whose output goes to ``log``, so a failed start can show why."""
    import subprocess

    handle = log.open("wb")
    process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, **options)
    handle.close()
    process.log = log
    return process


def _tail(process, lines: int = 25) -> str:
    log = getattr(process, "log", None)
    if log is None or not log.exists():
        return "(its output was not kept)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_for_port(port: int, process, timeout: float = 240.0) -> None:
    """Wait until something listens on ``port``; fail early, with the process's output, if it exits."""
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"{process.args[:3]} exited with {process.returncode}:\n{_tail(process)}")
            time.sleep(0.3)
    pytest.fail(f"nothing listened on port {port} within {timeout:.0f} s:\n{_tail(process)}")


def run_concurrently(work, items) -> tuple[dict, list]:
    """Run ``work(item)`` for every item at once, in threads; returns results by index and errors."""
    import threading

    results, errors = {}, []

    def run(index, item):
        try:
            results[index] = work(item)
        except Exception as exc:  # noqa: BLE001 - handed back to the test to assert on
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, item)) for i, item in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results, errors


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real ``chroma run`` on localhost; yields its port."""
    import shutil
    import subprocess
    import sys

    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        chroma = shutil.which("chroma")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = spawn([str(chroma), "run", "--path", str(data), "--port", str(port)], data.parent / "chroma-server.log")
    wait_for_port(port, process, timeout=60)
    yield port
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL server on localhost (skips where PostgreSQL is not installed)."""
    from helpers import postgres

    if postgres.binaries() is None:
        pytest.skip("PostgreSQL is not installed: sudo apt-get install postgresql")
    with postgres.server() as url:
        yield url
