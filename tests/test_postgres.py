"""The application database on a real PostgreSQL: migrations, accounts,
collections' owners, conversations and feedback, and the REST API on top."""

import pytest

from helpers import postgres

pytestmark = [pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(postgres.binaries() is None,
                                 reason="PostgreSQL is not installed: sudo apt-get install postgresql")]


def test_migrations_apply_and_reapply(postgres_url):
    from sqlalchemy import text

    from assistant.server.database import Database, database_url

    url = database_url(postgres_url, None)
    Database(url).engine  # noqa: B018
    engine = Database(url).engine  # a second open finds the schema at head and changes nothing
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0004"
        tables = set(c.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    assert {"users", "tokens", "collections", "collection_members", "conversations", "messages", "feedback",
            "document_tables", "document_scans"} <= tables


def test_the_rest_api_on_postgresql(postgres_url, tmp_path):
    from fastapi.testclient import TestClient

    from assistant.server.app import create_app

    app = create_app(str(tmp_path / "store"), ui=False, database=postgres_url)
    accounts = app.state.team.accounts
    accounts.add("erin", "erin-password")
    accounts.add("frank", "frank-password")
    erin = {"Authorization": f"Bearer {accounts.new_token('erin')}"}
    frank = {"Authorization": f"Bearer {accounts.new_token('frank')}"}
    client = TestClient(app)
    assert client.get("/v1/collections").status_code == 401
    assert client.post("/v1/collections", json={"name": "erin-docs"}, headers=erin).status_code == 201
    client.post("/v1/collections/erin-docs/documents", headers=erin,
                files=[("files", ("lab.txt", b"The lab freezer is kept at minus 80 degrees.", "text/plain"))])
    answer = client.post("/v1/ask", headers=erin, json={"question": "How cold is the lab freezer?",
                                                        "collection": "erin-docs"}).json()
    assert "minus 80 degrees" in answer["answer"]
    stored = client.get(f"/v1/conversations/{answer['conversation_id']}", headers=erin).json()
    assert stored["messages"][0]["answer"]["citations"] == answer["citations"]
    assert client.post("/v1/feedback", headers=erin, json={"conversation_id": answer["conversation_id"],
                       "message_id": answer["message_id"], "rating": -1, "correction": "minus 80"}).status_code == 201
    assert client.get(f"/v1/conversations/{answer['conversation_id']}", headers=frank).status_code == 404
    assert client.post("/v1/ask", headers=frank, json={"question": "How cold is the lab freezer?",
                                                       "collection": "erin-docs"}).status_code == 404
    records = app.state.team.conversations.feedback_for("erin-docs")
    assert [(r["question"], r["rating"], r["correction"]) for r in records] == [
        ("How cold is the lab freezer?", -1, "minus 80")]
