"""``assistant serve``'s OpenAI-compatible endpoint, driven by the ``openai`` package:
cited answers streamed and not, follow-ups, the key required, errors as OpenAI errors."""

import os
import sys
import urllib.request

import pytest

from conftest import ROOT, SAMPLE, free_port, spawn, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]
KEY = "test-key-5f1c"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from assistant import Assistant

    store = tmp_path_factory.mktemp("serve-store")
    assert not Assistant(collection="bikes", store=store).index([SAMPLE / "corpus"]).failed
    port = free_port()
    env = {**os.environ, "ASSISTANT_API_KEY": KEY, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    process = spawn([sys.executable, "-m", "assistant.cli", "serve", "--store", str(store), "--collection", "bikes",
                     "--port", str(port)], store.parent / "serve.log", cwd=ROOT, env=env)
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def client(server):
    openai = pytest.importorskip("openai")
    return openai.OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0, timeout=120)


def texts():
    from evals.runner import corpus_texts

    return corpus_texts(SAMPLE / "corpus")


def test_answer_keeps_its_markers_and_carries_its_citations(client):
    response = client.chat.completions.create(
        model="bikes", messages=[{"role": "user", "content": "How much does a single ride cost?"}])
    content = response.choices[0].message.content
    assert "2.50" in content and "[1]" in content
    citations = response.model_extra["citations"]
    assert citations and response.model_extra["assistant"]["answer"] == content
    for c in citations:
        assert texts()[c["source"]][c["start"] : c["end"]] == c["quote"]


def test_streamed_pieces_add_up_to_the_answer_and_the_last_chunk_has_the_sources(client):
    stream = client.chat.completions.create(
        model="bikes", stream=True, messages=[{"role": "user", "content": "How old must riders be?"}])
    pieces, last = [], None
    for chunk in stream:
        pieces.append(chunk.choices[0].delta.content or "")
        last = chunk
    assert last.choices[0].finish_reason == "stop"
    final = last.model_extra["assistant"]
    assert "".join(pieces).strip() == final["answer"].strip() and "16" in final["answer"]
    assert last.model_extra["citations"][0]["source"] == "faq.txt"


def test_earlier_messages_are_the_history_of_a_follow_up(client):
    response = client.chat.completions.create(model="bikes", messages=[
        {"role": "system", "content": "Answer from the documents."},
        {"role": "user", "content": "Who is the program manager?"},
        {"role": "assistant", "content": "Amara Okafor [1]"},
        {"role": "user", "content": "Who does she report to?"},
    ])
    # "she" is the person the assistant's message named
    assert response.model_extra["assistant"]["rewritten_question"] == "Who does Amara Okafor report to?"


def test_unknown_collection_and_missing_key_are_openai_errors(client, server):
    import openai

    with pytest.raises(openai.NotFoundError, match="nosuchcollection.*bikes"):
        client.chat.completions.create(model="nosuchcollection", messages=[{"role": "user", "content": "Hi?"}])
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{server}/v1", api_key="wrong", max_retries=0).models.list()
    assert [m.id for m in client.models.list()] == ["bikes"]


def test_the_app_is_served_on_the_same_server(server):
    with urllib.request.urlopen(f"{server}/", timeout=30) as response:
        assert response.status == 200 and b"gradio" in response.read().lower()
