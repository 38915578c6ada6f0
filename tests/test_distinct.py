"""Copies of one passage (a manual shipped as HTML, text and reST) take one place among
the passages read, not several."""

from assistant import Assistant
from assistant.distinct import distinct
from assistant.types import Passage

FERRY = ("The ferry to Inish More leaves the pier at seven each morning. In summer it returns at dusk, "
         "and in winter it returns at four. Tickets are sold on board and at the harbour office.")
LIBRARY = "The town library lends bicycles to members. The ferry timetable is pinned by the library door."


def passage(text, n):
    return Passage(id=f"c{n}", source=f"doc{n}.txt", page=None, start=0, end=len(text), text=text, score=1.0 / n)


def test_a_reflowed_copy_is_left_out_and_a_passage_sharing_half_is_kept():
    copy = FERRY.upper().replace(" ", "\n", 5)
    half = FERRY.split(". In summer")[0] + ". The harbour office also rents kayaks by the hour to visitors."
    kept = list(distinct([passage(FERRY, 1), passage(copy, 2), passage(half, 3), passage(LIBRARY, 4)]))
    assert [p.id for p in kept] == ["c1", "c3", "c4"]


def test_the_same_page_in_three_formats_is_read_once_and_leaves_room_for_another_document(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "ferry.txt").write_text(FERRY + "\n")
    (folder / "ferry.md").write_text("# Ferry\n\n" + FERRY + "\n")
    (folder / "ferry.html").write_text(f"<html><body><h1>Ferry</h1><p>{FERRY}</p></body></html>")
    (folder / "library.txt").write_text(LIBRARY + "\n")
    bot = Assistant(collection="copies", store=tmp_path / "store", k=2)
    bot.index([folder])
    passages = bot.retriever.retrieve("When does the ferry return in winter?")
    assert len(passages) == 2
    assert sorted(p.source.split(".")[0] for p in passages) == ["ferry", "library"]
    answer = bot.ask("When does the ferry return in winter?")
    assert not answer.declined and "four" in answer.answer
