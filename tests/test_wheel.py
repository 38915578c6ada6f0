"""The wheel is complete: installed (not editable) into a folder of its own and used
from outside the checkout, it indexes, answers, loads its prompts and starts the app."""

import json
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, free_port, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from the checkout, installed with ``--target`` (dependencies come
    from the project's environment) and run from a folder outside the checkout."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(folder / "dist"), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (folder / "dist").glob("*.whl")
    target = folder / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                              str(wheel)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    work = folder / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "HF_HUB_OFFLINE": "1", "ASSISTANT_STORE": str(folder / "store")}
    return wheel, target, work, env


def run(installed, *code_or_args, module=True):
    _, _, work, env = installed
    command = [sys.executable, "-m", "assistant.cli", *code_or_args] if module else [sys.executable, "-c", *code_or_args]
    result = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_wheel_holds_every_package_and_data_file(installed):
    wheel = installed[0]
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("assistant/llms/openai.py", "assistant/reader/runtime.py", "assistant/ui/app.py",
                     "assistant/prompts/answer.txt", "assistant/prompts/condense.txt",
                     "assistant/answerers/extractive.json", "assistant/reader/weights/reader.safetensors",
                     "assistant/reader/weights/calibration.json", "assistant/reader/weights/MODEL_CARD.md",
                     "evals/verifier/labelled.jsonl", "evals/sample/questions.jsonl",
                     "evals/sample/corpus/pricing.html", "index/embedders/bert.py"):
        assert required in names, f"{required} missing from {wheel.name}"


def test_installed_copy_indexes_answers_and_builds_an_llm_answerer_outside_the_checkout(installed):
    _, target, work, _ = installed
    where = run(installed, "import assistant, evals; print(assistant.__file__); print(evals.__file__)", module=False)
    assert all(line.startswith(str(target)) for line in where.split()), where
    corpus = run(installed, "from assistant import sample_corpus; print(sample_corpus())", module=False).strip()
    assert corpus.startswith(str(target))
    report = json.loads(run(installed, "index", corpus, "--collection", "bikes", "--json"))
    assert report["files"]["failed"] == [] and report["chunks"]["total"] > 0
    answer = json.loads(run(installed, "ask", "How much does a single ride cost?", "--collection", "bikes", "--json"))
    assert "2.50" in answer["answer"] and answer["citations"][0]["source"] == "pricing.html"
    built = run(installed, "from assistant import Assistant; "
                "bot = Assistant(collection='bikes', llm='openai', llm_options={'base_url': 'http://127.0.0.1:9/v1', "
                "'model': 'm'}); a = bot.answerer; print(a.answer_prompt.name, a.condense_prompt.name)", module=False)
    assert built.split() == ["answer", "condense"]


def test_installed_app_starts_and_serves_its_page(installed):
    import urllib.request

    _, _, work, env = installed
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)], cwd=work, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200 and b"gradio" in response.read().lower()
    finally:
        process.terminate()
        process.wait(timeout=30)
