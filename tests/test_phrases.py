"""Phrase evidence in retrieval: a chunk holding the question's words side by side
outranks one holding them apart (``assistant/phrases.py``, ``retrieval.py``)."""

import pytest

from assistant.phrases import coverage, query_words
from assistant.retrieval import HybridRetriever, score_fusion, with_phrases


def test_adjacent_words_count_and_the_same_words_apart_do_not():
    candidates = {
        "apart": "The checker ran before the package was uploaded to Debian.",
        "together": "lintian is the Debian package checker.",
        "across_sentences": "Upload the package. The checker runs later.",
        "neither": "Upload rights are granted after a review.",
    }
    shares = coverage("What is the Debian package checker called?", candidates,
                      {"debian": 50, "packag": 80, "checker": 5, "call": 30}, total=100)
    assert set(shares) == {"together"}
    assert 0.5 < shares["together"] < 1.0  # "checker call" is not in it
    # a word no chunk holds ("call") makes a pair nobody can match: it does not count
    alone = coverage("What is the Debian package checker called?", candidates,
                     {"debian": 50, "packag": 80, "checker": 5}, total=100)
    assert alone["together"] == pytest.approx(1.0)


def test_a_rare_pair_covers_more_than_a_common_one():
    candidates = {"common": "the source package is built", "rare": "a debhelper compat level is set",
                  "both": "source package with debhelper compat 13"}
    shares = coverage("source package debhelper compat", candidates,
                      {"sourc": 90, "packag": 95, "debhelp": 3, "compat": 4}, total=100)
    assert shares["both"] == pytest.approx(1.0)  # "with" is a stopword: all three pairs are side by side
    assert shares["rare"] > 3 * shares["common"]


def test_a_one_word_question_has_no_phrases():
    assert coverage("lintian?", {"a": "lintian checks packages"}, {"lintian": 1}, total=10) == {}
    assert query_words("What is the Debian package checker?") == ["checker", "debian", "packag"]


def test_coverage_moves_a_chunk_up_by_at_most_its_weight():
    fused = [("a", 0.9), ("b", 0.8), ("c", 0.3)]
    assert [c for c, _ in with_phrases(fused, 0.4, {"b": 1.0})] == ["b", "a", "c"]
    assert [c for c, _ in with_phrases(fused, 0.4, {"c": 1.0})] == ["a", "b", "c"]


def test_a_chunk_one_list_puts_first_by_far_is_not_lost_to_one_both_rank_high():
    """Fusion by scores, not ranks: the dense search finds ten chunks about as close, BM25 finds the
    chunk holding the question's words far ahead of the rest. By reciprocal ranks the chunk both
    lists put near the top ("x": 1st and 2nd) would come first; by scores the far lead counts."""
    from index.store import Hit

    dense = [Hit("x", 0.500), *(Hit(f"d{i}", 0.499 - i / 1000) for i in range(9)), Hit("gold", 0.490),
             *(Hit(f"t{i}", 0.45 - i / 100) for i in range(5))]
    keywords = [Hit("gold", 12.0), Hit("x", 3.0), *(Hit(f"k{i}", 2.9 - i / 10) for i in range(19))]
    assert score_fusion([dense, keywords])[0][0] == "gold"
    assert [c for c, _ in score_fusion([dense])] == [h.id for h in dense]  # one list: its own order
    assert [c for c, _ in score_fusion([dense, []])][:1] == ["x"]


def test_retrieval_puts_the_passage_naming_the_phrase_first(tmp_path):
    """With the real embedder and index: the short passage that names "the Debian package
    checker" is found first although longer passages repeat the words apart."""
    from assistant import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tools.txt").write_text("lintian - this is the Debian package checker, which lets you know of any "
                                    "common mistakes after you build the package.\n")
    for n in range(6):
        (docs / f"upload{n}.txt").write_text(
            f"Upload note {n}. Each Debian upload is checked. The package goes through a checker on the "
            "archive side, and a Debian developer reviews the package. The checker and the Debian archive "
            "keep a log of every package.\n")
    bot = Assistant(collection="phrases", store=tmp_path / "store")
    bot.index([docs])
    question = "What is the Debian package checker called?"
    passages = HybridRetriever(bot.collection, k=3).retrieve(question)
    assert passages[0].source == "tools.txt"
    assert bot.ask(question).short_answer == "lintian"


def test_a_chunk_only_the_keyword_search_finds_is_read(tmp_path):
    """With the real embedder and index, on a real manual: the chunk saying "the character separating
    package and version was changed from - (hyphen) … to _ (underscore)" is mostly a list of file names,
    and the dense search puts it far down; BM25 puts it first by far. Fused by ranks it came 10th and
    was not read ("commas" was the reply); fused by scores it is among the passages read."""
    import shutil

    from assistant import Assistant
    from conftest import ROOT

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "evals" / "debian-docs" / "corpus" / "maint-guide" / "maint-guide.en.txt.gz", docs)
    bot = Assistant(collection="manual", store=tmp_path / "store")
    bot.index([docs])
    question = "Which character separates package and version in Debian package file names?"
    passages = HybridRetriever(bot.collection, k=5).retrieve(question)
    assert any("_ (underscore)" in " ".join(p.text.split()) for p in passages[:2])
    assert "underscore" in bot.ask(question).answer
