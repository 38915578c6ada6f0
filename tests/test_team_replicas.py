"""Two ``assistant serve`` replicas on one Chroma server and one PostgreSQL
database, over real HTTP: an upload through one is answered through the other, a
delete through one is gone from both, and fifty questions from five users at
once get their own answers from collections they may read."""

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, free_port, run_concurrently, wait_for_port
from helpers.api_client import call

pytestmark = [pytest.mark.slow, pytest.mark.integration]

USERS = ["ann", "ben", "cat", "dan", "eve"]
FACTS = {user: (f"The {user} project code is {code}.", code) for user, code in
         zip(USERS, ("KESTREL-11", "OSPREY-22", "HERON-33", "PLOVER-44", "TERN-55"))}


@pytest.fixture(scope="module")
def cluster(chroma_server, postgres_url, tmp_path_factory):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    tokens = {}
    for user in USERS:
        cli = [sys.executable, "-m", "assistant.cli", "users", "--database", postgres_url]
        subprocess.run([*cli, "add", user, "--password-stdin"], input=f"{user}-password\n", text=True, check=True,
                       capture_output=True, env=env)
        tokens[user] = subprocess.run([*cli, "token", user], text=True, check=True, capture_output=True,
                                      env=env).stdout.strip()
    processes, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--store", str(tmp_path_factory.mktemp(name)),
             "--database", postgres_url, "--chroma-host", "127.0.0.1", "--chroma-port", str(chroma_server),
             "--port", str(port), "--no-ui"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        urls.append(f"http://127.0.0.1:{port}")
        wait_for_port(port, processes[-1])
    yield urls, tokens
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def test_upload_through_one_replica_ask_and_delete_through_the_other(cluster):
    (a, b), tokens = cluster
    token = tokens["ann"]
    assert call(f"{a}/v1/collections", "POST", token, {"name": "ann-boats"})[0] == 201
    status, report = call(f"{a}/v1/collections/ann-boats/documents", "POST", token,
                          files=[("pump.txt", "The ballast pump QX-7731 is serviced every ninety days."),
                                 ("deck.txt", "The deck is painted grey every spring.")])
    assert status == 200 and report["files"]["added"] == 2
    # (test_replicas.py shows each index alone: a keyword-only and a meaning-only search through the other replica)
    status, answer = call(f"{b}/v1/ask", "POST", token, {"question": "How often is pump QX-7731 serviced?",
                                                         "collection": "ann-boats"})
    assert status == 200 and "ninety days" in answer["answer"] and answer["citations"][0]["source"] == "pump.txt"
    assert call(f"{b}/v1/collections/ann-boats/documents/pump.txt", "DELETE", token)[0] == 200
    status, answer = call(f"{a}/v1/ask", "POST", token, {"question": "How often is pump QX-7731 serviced?",
                                                         "collection": "ann-boats"})
    assert status == 200 and "ninety days" not in answer["answer"]
    assert all(c["source"] != "pump.txt" for c in answer["citations"])
    assert [d["source"] for d in call(f"{a}/v1/collections/ann-boats/documents", token=token)[1]] == ["deck.txt"]
    call(f"{a}/v1/collections/ann-boats/documents", "POST", token, files=[("log.txt", "The log is kept daily.")])
    assert [d["source"] for d in call(f"{b}/v1/collections/ann-boats/documents", token=token)[1]] == \
        ["deck.txt", "log.txt"]  # A's own copy of the deleted file does not come back with A's next upload
    status, report = call(f"{b}/v1/collections/ann-boats/documents", "POST", token,
                          files=[("deck.txt", "The deck is painted blue every autumn.")])  # A's upload, replaced via B
    assert status == 200 and report["files"]["failed"] == [], report
    status, answer = call(f"{a}/v1/ask", "POST", token, {"question": "What colour is the deck painted?",
                                                         "collection": "ann-boats"})
    assert "blue" in answer["answer"] and "grey" not in answer["answer"]
    stored = call(f"{a}/v1/conversations/{answer['conversation_id']}", token=token)[1]
    assert stored["messages"][0]["answer"]["answer"] == answer["answer"]  # written by one replica, read by the other


def test_fifty_questions_from_five_users_over_two_replicas(cluster):
    urls, tokens = cluster
    for user, (fact, _) in FACTS.items():
        url = urls[USERS.index(user) % 2]
        call(f"{url}/v1/collections", "POST", tokens[user], {"name": f"{user}-private"})
        status, _ = call(f"{url}/v1/collections/{user}-private/documents", "POST", tokens[user],
                         files=[("project.txt", fact)])
        assert status == 200
    jobs = [(USERS[i % 5], urls[i % 2]) for i in range(50)]

    def ask(job):
        user, url = job
        began = time.perf_counter()
        status, answer = call(f"{url}/v1/ask", "POST", tokens[user],
                              {"question": "What is the project code?", "collection": f"{user}-private"})
        return status, answer, time.perf_counter() - began

    results, errors = run_concurrently(ask, jobs)
    assert not errors
    for i, (status, answer, _) in results.items():
        user = jobs[i][0]
        assert status == 200, answer
        assert FACTS[user][1] in answer["answer"]
        assert all(FACTS[other][1] not in answer["answer"] for other in USERS if other != user)
    latencies = sorted(seconds for _, _, seconds in results.values())
    print(f"50 concurrent asks over 2 replicas: p50 {latencies[24]:.2f} s, p95 {latencies[47]:.2f} s")
