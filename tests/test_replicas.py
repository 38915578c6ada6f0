"""Replicas that agree: assistants on different machines (different store folders)
sharing one Chroma server and one PostgreSQL database see the same documents in
both dense and keyword search, at once, and a deleted document is gone for all."""

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.integration]

FILLER = [f"Notice {i}: the {topic} committee meets on {day} in room {100 + i}." for i, (topic, day) in enumerate(
    [(t, d) for t in ("garden", "library", "finance", "sports", "music", "safety") for d in ("Monday", "Friday")])]
PUMP = "The ballast pump QX-7731 on the research vessel Aurora is serviced every ninety days by the engine crew."


@pytest.fixture
def replicas(chroma_server, postgres_url, tmp_path):
    from assistant import Assistant

    def replica(name):
        return Assistant(collection="fleet-docs", store=tmp_path / name, chroma_host="127.0.0.1",
                         chroma_port=chroma_server, database_url=postgres_url)

    folder = tmp_path / "docs"
    folder.mkdir()
    for i, text in enumerate(FILLER):
        (folder / f"notice-{i}.txt").write_text(text)
    (folder / "pump.txt").write_text(PUMP)
    a, b = replica("a"), replica("b")
    yield a, b, folder
    a.collection.drop()


def test_what_one_replica_indexes_the_other_finds_by_keyword_and_by_meaning(replicas):
    a, b, folder = replicas
    b.ask("Who meets on Monday?")  # b is warm: it has opened the collection before a indexes more
    report = a.index([folder])
    assert report.added == len(FILLER) + 1
    pump = [c for c in a.collection.catalog.chunk_ids(["pump.txt"])]
    assert [hit.id for hit in b.collection.keyword_search("QX-7731", 3)][:1] == pump
    meaning = "How often is the boat's bilge machinery maintained?"  # no word in common with the document
    assert pump[0] not in [hit.id for hit in b.collection.keyword_search(meaning, 5)]
    assert pump[0] in [hit.id for hit in b.collection.dense_search(b.collection.embed_query(meaning), 3)]
    answer = b.ask("How often is the ballast pump QX-7731 serviced?")
    assert "ninety days" in answer.answer and answer.citations[0].source == "pump.txt"


def test_a_document_deleted_through_one_replica_is_gone_from_the_other(replicas):
    a, b, folder = replicas
    a.index([folder])
    a.ask("How often is the ballast pump QX-7731 serviced?")
    assert b.delete(["pump.txt"]) >= 1
    assert a.collection.keyword_search("QX-7731", 5) == []
    dense = a.collection.dense_search(a.collection.embed_query(PUMP), 5)
    assert all(a.collection.chunks([hit.id]).get(hit.id) is None or
               a.collection.chunks([hit.id])[hit.id].source != "pump.txt" for hit in dense)
    answer = a.ask("How often is the ballast pump QX-7731 serviced?")
    assert "ninety days" not in answer.answer and all(c.source != "pump.txt" for c in answer.citations)


def test_a_table_indexed_through_one_replica_is_answered_by_the_other(replicas):
    a, b, folder = replicas
    (folder / "berths.csv").write_text("berth,length,opened\nNorth Quay,240 m,1998-05-02\nSouth Quay,180 m,2004-09-14\n")
    a.index([folder])
    answer = b.ask("How long is the South Quay berth?")
    assert answer.answerer == "table" and answer.short_answer == "180 m"
    assert answer.citations[0].section == "berths, row 3"
    assert b.ask("How long is the East Quay berth?").declined
    b.delete(["berths.csv"])
    assert a.collection.extras.tables_of(["berths.csv"]) == []
