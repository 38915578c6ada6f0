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
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0005"
        tables = set(c.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    assert {"users", "tokens", "collections", "collection_members", "conversations", "messages", "feedback",
            "document_tables", "document_scans", "catalog_terms", "catalog_totals"} <= tables


TOWNS = ["Harwick", "Lowen", "Brisa", "Tamsk", "Oddely", "Quarn"]


def _notes(i: int, extra: str = ""):
    from index.documents import Document

    town = TOWNS[i % len(TOWNS)]
    text = (f"The {town} ferry leaves at {6 + i} in the morning. The harbour office of {town} opens on Mondays. "
            f"Tickets for route {i} cost {i + 2} crowns. {extra}")
    return Document(source=f"notes-{i}.txt", text=text, title=f"{town} notes")


def test_keyword_search_on_postgresql_ranks_as_sqlite_does_after_edits_and_deletes(postgres_url, tmp_path):
    """The shared catalog keeps each term's document frequency and the collection's sizes as
    it is written; after documents are replaced and removed its BM25 still matches FTS5's,
    and the kept counts equal a recount of the postings."""
    from sqlalchemy import text

    from assistant.phrases import coverage_in
    from assistant.spelling import Speller
    from assistant.server.database import Database, database_url, shared_catalogs
    from index.catalog import Catalog
    from index.chunking import Chunker

    shared = shared_catalogs(postgres_url)("ferry-notes")
    local = Catalog(tmp_path / "ferry-notes.sqlite3")
    chunker = Chunker(tokens=24, overlap=4)
    for catalog in (shared, local):
        for i in range(12):
            document = _notes(i)
            catalog.replace_documents([document], chunker.split(document), f"/docs/{document.source}")
        edited = _notes(3, "Bicycles travel free on the Harwick ferry.")
        catalog.replace_documents([edited], chunker.split(edited), f"/docs/{edited.source}")
        catalog.remove_documents(["notes-5.txt", "notes-7.txt"])
    for question in ("When does the Harwick ferry leave?", "bicycles free", "What do tickets for route 9 cost?",
                     "Which office opens on Mondays in Brisa?"):
        ours, theirs = shared.keyword_search(question, 5), local.keyword_search(question, 5)
        assert [chunk for chunk, _ in ours] == [chunk for chunk, _ in theirs], question
        assert [round(score, 3) for _, score in ours] == [round(score, 3) for _, score in theirs], question
    # phrase coverage needs only the catalog's word counts and size, which both keep
    question = "When does the Harwick ferry leave?"
    found = local.chunks([chunk for chunk, _ in local.keyword_search(question, 20)])
    texts = {chunk: record.text for chunk, record in found.items()}
    ours, theirs = coverage_in(shared, question, texts), coverage_in(local, question, texts)
    assert ours and ours.keys() == theirs.keys()
    assert all(abs(ours[chunk] - theirs[chunk]) < 0.05 for chunk in ours)
    # so does respelling, which needs its word counts, keyword search and chunk texts
    assert Speller(shared).respell("When does the Harwik ferry leave?") == "When does the Harwick ferry leave?"
    assert Speller(local).respell("When does the Harwik ferry leave?") == "When does the Harwick ferry leave?"
    assert shared.keyword_search("Quarn", 50) and "notes-5.txt" not in {
        shared.chunks([c])[c].source for c, _ in shared.keyword_search("Quarn", 50)}
    with Database(database_url(postgres_url, None)).engine.connect() as c:
        recount = dict(c.execute(text(
            "SELECT term, count(DISTINCT chunk) FROM catalog_postings WHERE collection = 'ferry-notes' "
            "GROUP BY term")).all())
        kept = dict(c.execute(text("SELECT term, chunks FROM catalog_terms WHERE collection = 'ferry-notes'")).all())
        size = c.execute(text("SELECT chunks FROM catalog_totals WHERE collection = 'ferry-notes'")).scalar_one()
    assert kept == recount and size == shared.count_chunks() == local.count_chunks()
    shared.drop()


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
