"""The team server's REST API over HTTP (FastAPI's test client, the real
assistant: MiniLM, embedded Chroma, the reader, SQLite): accounts and tokens,
private and shared collections, conversations that persist, feedback into a
regression suite."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

FERRY = b"The ferry to Skagen leaves at 7:15 from pier 4. Tickets cost 12 kroner. Maria Lopez runs the ferry office."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from fastapi.testclient import TestClient

    from assistant.server.app import create_app

    store = tmp_path_factory.mktemp("team-store")
    app = create_app(str(store), ui=False)
    accounts = app.state.team.accounts
    for name, admin in (("alice", False), ("bob", False), ("carol", True)):
        accounts.add(name, f"{name}-password", admin=admin)
    tokens = {name: {"Authorization": f"Bearer {accounts.new_token(name)}"} for name in ("alice", "bob", "carol")}
    client = TestClient(app)
    assert client.post("/v1/collections", json={"name": "alice-notes"}, headers=tokens["alice"]).status_code == 201
    report = client.post("/v1/collections/alice-notes/documents", headers=tokens["alice"],
                         files=[("files", ("ferry.txt", FERRY, "text/plain"))]).json()
    assert report["files"]["added"] == 1 and report["files"]["failed"] == []
    return client, tokens, store


def ask(client, headers, question, **extra):
    return client.post("/v1/ask", headers=headers, json={"question": question, "collection": "alice-notes", **extra})


ROUTES = [
    ("post", "/v1/ask", {"json": {"question": "When does the ferry leave?", "collection": "alice-notes"}}),
    ("post", "/v1/ask/stream", {"json": {"question": "When does the ferry leave?", "collection": "alice-notes"}}),
    ("get", "/v1/collections", {}),
    ("post", "/v1/collections", {"json": {"name": "sneaky"}}),
    ("delete", "/v1/collections/alice-notes", {}),
    ("post", "/v1/collections/alice-notes/share", {"json": {"users": ["bob"]}}),
    ("get", "/v1/collections/alice-notes/documents", {}),
    ("post", "/v1/collections/alice-notes/documents", {"files": [("files", ("x.txt", b"x", "text/plain"))]}),
    ("delete", "/v1/collections/alice-notes/documents/ferry.txt", {}),
    ("get", "/v1/conversations", {}),
    ("get", "/v1/conversations/abc", {}),
    ("delete", "/v1/conversations/abc", {}),
    ("post", "/v1/feedback", {"json": {"conversation_id": "abc", "message_id": 1, "rating": 1}}),
    ("get", "/v1/models", {}),
    ("post", "/v1/chat/completions", {"json": {"model": "alice-notes", "messages": [{"role": "user", "content": "Hi?"}]}}),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_no_route_answers_without_a_valid_token(server, method, path, body):
    client, _, _ = server
    for headers in ({}, {"Authorization": "Bearer asst_not-a-real-token"}, {"Authorization": "Basic YTpi"}):
        response = getattr(client, method)(path, headers=headers, **body)
        assert response.status_code == 401, (path, headers, response.text)


def test_a_private_collection_is_invisible_to_others(server):
    client, tokens, _ = server
    bob = tokens["bob"]
    assert "alice-notes" not in [c["name"] for c in client.get("/v1/collections", headers=bob).json()]
    assert "alice-notes" not in [m["id"] for m in client.get("/v1/models", headers=bob).json()["data"]]
    assert ask(client, bob, "When does the ferry leave?").status_code == 404
    assert client.get("/v1/collections/alice-notes/documents", headers=bob).status_code == 404
    assert client.delete("/v1/collections/alice-notes/documents/ferry.txt", headers=bob).status_code == 404
    assert client.post("/v1/collections/alice-notes/share", headers=bob, json={"users": ["bob"]}).status_code == 404
    assert client.post("/v1/collections/alice-notes/documents", headers=bob,
                       files=[("files", ("x.txt", b"planted", "text/plain"))]).status_code == 404
    assert client.post("/v1/chat/completions", headers=bob, json={
        "model": "alice-notes", "messages": [{"role": "user", "content": "When does the ferry leave?"}]}).status_code == 404
    assert client.delete("/v1/collections/alice-notes", headers=bob).status_code == 404
    assert client.post("/v1/collections", headers=bob, json={"name": "alice-notes"}).status_code == 409


def test_conversations_persist_with_their_citations_and_are_private(server):
    client, tokens, _ = server
    first = ask(client, tokens["alice"], "What does Maria Lopez run?").json()
    assert "ferry office" in first["answer"] and first["citations"][0]["source"] == "ferry.txt"
    follow = ask(client, tokens["alice"], "When does her ferry leave?", conversation_id=first["conversation_id"]).json()
    assert follow["conversation_id"] == first["conversation_id"]
    assert "Maria Lopez" in follow["rewritten_question"] and "7:15" in follow["answer"]
    stored = client.get(f"/v1/conversations/{first['conversation_id']}", headers=tokens["alice"]).json()
    for kept, given in zip(stored["messages"], (first, follow)):
        assert {k: kept["answer"][k] for k in given if k not in ("conversation_id", "message_id")} == \
            {k: v for k, v in given.items() if k not in ("conversation_id", "message_id")}
        assert kept["id"] == given["message_id"] and kept["answer"]["passages"][0]["source"] == "ferry.txt"
    assert first["conversation_id"] in [c["id"] for c in client.get("/v1/conversations", headers=tokens["alice"]).json()]
    assert first["conversation_id"] not in [c["id"] for c in client.get("/v1/conversations", headers=tokens["bob"]).json()]
    assert client.get(f"/v1/conversations/{first['conversation_id']}", headers=tokens["bob"]).status_code == 404
    assert client.delete(f"/v1/conversations/{first['conversation_id']}", headers=tokens["bob"]).status_code == 404
    assert client.post("/v1/feedback", headers=tokens["bob"], json={
        "conversation_id": first["conversation_id"], "message_id": first["message_id"], "rating": 1}).status_code == 404


def test_the_stream_sends_text_then_the_final_object(server):
    client, tokens, _ = server
    response = client.post("/v1/ask/stream", headers=tokens["alice"],
                           json={"question": "How much do tickets cost?", "collection": "alice-notes"})
    events = [block for block in response.text.split("\n\n") if block.strip()]
    assert events[0].startswith("event: text") and events[-1].startswith("event: answer")
    final = json.loads(events[-1].split("data: ", 1)[1])
    text = "".join(json.loads(e.split("data: ", 1)[1])["text"] for e in events[:-1])
    assert text.strip() == final["answer"] and "12 kroner" in final["answer"] and final["conversation_id"]


def test_sharing_lets_others_read_and_ask_but_not_change(server):
    client, tokens, _ = server
    shared = client.post("/v1/collections/alice-notes/share", headers=tokens["alice"], json={"users": ["bob"]})
    assert shared.json()["shared_with"] == ["bob"]
    assert "12 kroner" in ask(client, tokens["bob"], "How much do tickets cost?").json()["answer"]
    assert client.delete("/v1/collections/alice-notes/documents/ferry.txt", headers=tokens["bob"]).status_code == 403
    assert client.post("/v1/collections/alice-notes/share", headers=tokens["bob"], json={"users": []}).status_code == 403
    assert client.post("/v1/collections/alice-notes/share", headers=tokens["alice"],
                       json={"users": ["nobody"]}).status_code == 400
    assert "alice-notes" in [c["name"] for c in client.get("/v1/collections", headers=tokens["carol"]).json()]


def test_a_revoked_token_stops_working(server):
    client, _, store = server
    from assistant.server.accounts import Accounts
    from assistant.server.database import Database, database_url

    accounts = Accounts(Database(database_url(None, store)))
    accounts.add("dave", "dave-password")
    token = {"Authorization": f"Bearer {accounts.new_token('dave')}"}
    assert client.get("/v1/collections", headers=token).status_code == 200
    accounts.revoke("dave")
    assert client.get("/v1/collections", headers=token).status_code == 401


def test_feedback_becomes_a_regression_suite(server, tmp_path):
    client, tokens, store = server
    answer = ask(client, tokens["alice"], "Which pier does the ferry leave from?").json()
    assert client.post("/v1/feedback", headers=tokens["alice"], json={
        "conversation_id": answer["conversation_id"], "message_id": answer["message_id"], "rating": 1}).status_code == 201
    wrong = ask(client, tokens["alice"], "What time does the ferry leave?").json()
    client.post("/v1/feedback", headers=tokens["alice"], json={"conversation_id": wrong["conversation_id"],
                "message_id": wrong["message_id"], "rating": -1, "correction": "7:15"})
    cli = [sys.executable, "-m", "assistant.cli", "eval", "--from-feedback", "alice-notes", "--store", str(store)]
    exported = subprocess.run([*cli, "--export", str(tmp_path / "suite")], capture_output=True, text=True, timeout=300)
    assert exported.returncode == 0, exported.stderr
    questions = [json.loads(line) for line in (tmp_path / "suite" / "questions.jsonl").read_text().splitlines()]
    by_question = {q["question"]: q for q in questions}
    assert by_question["Which pier does the ferry leave from?"]["sources"] == ["ferry.txt"]
    assert by_question["What time does the ferry leave?"]["answers"] == ["7:15"]
    scored = subprocess.run([*cli, "--json", "--out", str(tmp_path / "report")], capture_output=True, text=True,
                            timeout=300)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["containment"] == 1.0


def test_deleting_a_collection_removes_it_for_everyone(server):
    client, tokens, _ = server
    assert client.post("/v1/collections", json={"name": "scratch-notes"}, headers=tokens["bob"]).status_code == 201
    assert client.delete("/v1/collections/scratch-notes", headers=tokens["alice"]).status_code == 404
    assert client.delete("/v1/collections/scratch-notes", headers=tokens["bob"]).json() == {"deleted": "scratch-notes"}
    assert "scratch-notes" not in [c["name"] for c in client.get("/v1/collections", headers=tokens["carol"]).json()]
