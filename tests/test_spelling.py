"""Misspelt words of a question respelt as the collection spells them, with the real index,
embedder and reader."""

import pytest

from assistant.spelling import Speller, edits

PAPER = ("Carrageenan is a high molecular weight sulfated polymer derived from red seaweed. "
         "In mice, intranasal Zanamivir and carrageenan together protected against influenza. "
         "The danger of a late treatment start was lower with the combination. "
         "Patients receive it as a nasal spray.\n")
OTHER = "The ferry to Inish More leaves the pier at seven each morning and returns at dusk in summer.\n"


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    from assistant import Assistant

    root = tmp_path_factory.mktemp("spelling")
    docs = root / "docs"
    docs.mkdir()
    (docs / "paper.txt").write_text(PAPER)
    (docs / "ferry.txt").write_text(OTHER)
    assistant = Assistant(collection="spelling", store=root / "store")
    assistant.index([docs])
    return assistant


def test_one_edit_covers_drops_additions_changes_and_swaps():
    found = edits("carageenan")
    assert {"carrageenan", "caraeenan", "caraheenan", "acrageenan"} <= found and "carageenan" not in found


def test_a_misspelt_word_is_asked_as_the_documents_spell_it_and_answered(bot):
    answer = bot.ask("What is carageenan?")
    assert answer.rewritten_question == "What is carrageenan?"
    assert not answer.declined and answer.citations[0].source == "paper.txt"
    assert "sulfated polymer" in answer.answer


def test_the_case_of_the_word_is_kept_and_the_rest_of_the_question_untouched(bot):
    speller = Speller(bot.collection.catalog)
    assert speller.respell("Does Zanamavir help, with carageenan?") == "Does Zanamivir help, with carrageenan?"


def test_a_common_misspelling_is_respelt_as_the_much_commoner_word_the_documents_use(bot):
    assert Speller(bot.collection.catalog).respell("How do patients recieve it?") == "How do patients receive it?"


def test_words_that_are_not_misspellings_stay_as_asked(bot):
    speller = Speller(bot.collection.catalog)
    # an everyday word the documents do not use, and a rare one a held word is one edit from
    # only in its stem ("danger" is held, "dangere" is not)
    for question in ("What reception did the ferry get?", "What is noli me tangere?", "Where does the ferry leave?"):
        assert speller.respell(question) == question


def test_the_chain_and_the_stream_respell_as_ask_does(bot):
    assert bot.chain.invoke("What is carageenan?").rewritten_question == "What is carrageenan?"
    final = list(bot.stream("What is carageenan?"))[-1]
    assert final.rewritten_question == "What is carrageenan?" and not final.declined


def test_long_runs_of_letters_are_left_and_at_most_a_few_words_are_looked_up(bot):
    from assistant.spelling import MAX_WORDS

    catalog = bot.collection.catalog

    class Counted:
        lookups = 0

        def term_frequencies(self, stems):
            Counted.lookups += 1
            return catalog.term_frequencies(stems)

        def __getattr__(self, name):
            return getattr(catalog, name)

    code = "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjkl"
    unknown = " ".join("zorblax" + "".join(chr(97 + (n * 7 + k) % 26) for k in range(3)) for n in range(40))
    respelt = Speller(Counted()).respell(f"What is {code} or {unknown}?")
    assert code in respelt and unknown in respelt
    assert Counted.lookups <= 1 + MAX_WORDS  # one for the question's words, one per word tried
