"""Questions about what an abbreviation stands for are answered with the long form the
documents give, cited to the sentence that defines it."""

import pytest

from assistant.answerers.acronyms import AcronymAnswerer, asked, definitions, plausible, spells
from assistant.types import Passage


def passage(text: str, source: str = "guide.txt", start: int = 0) -> Passage:
    return Passage(id=f"{source}:{start}", source=source, page=None, start=start, end=start + len(text), text=text)


@pytest.mark.parametrize("question, short", [
    ("What does FTBFS stand for?", "FTBFS"),
    ("what does the acronym NYPD stand for", "NYPD"),
    ("What is DFSG short for?", "DFSG"),
    ("What is RFA an abbreviation for?", "RFA"),
    ("What is the full form of 'ITP'?", "ITP"),
    ("What does “BPM” mean?", "BPM"),
    ("what do the letters in nato stand for", "nato"),
    ("What does dh_make do?", None),
    ("What does Debian mean?", None),  # "mean" only asks after a short form in capitals
    ("Who maintains the FTBFS list?", None),
    ("What is the full name of the former chairman?", None),
])
def test_questions_about_an_abbreviation_are_recognised(question, short):
    assert asked(question) == short


@pytest.mark.parametrize("text, short, long", [
    ("Building in a chroot avoids FTBFS (Fails To Build From Source) bugs.", "FTBFS", "Fails To Build From Source"),
    ("If you get a bug which mentions FTBFS, this means Fails to build from source.", "FTBFS",
     "Fails to build from source"),
    ("Every package must comply with the Debian Free Software Guidelines (DFSG).", "DFSG",
     "Debian Free Software Guidelines"),
    ("A limited liability company (LLC) is a form of company.", "LLC", "limited liability company"),
    ("The emergence of Short Message Systems (SMS) popularised acronyms.", "SMS", "Short Message Systems"),
    ("The Quantitative Precipitation Forecast (abbreviated QPF) is the expected amount.", "QPF",
     "Quantitative Precipitation Forecast"),
    ("It phosphorylates adenosine diphosphate into adenosine triphosphate, or ATP.", "ATP",
     "adenosine triphosphate"),
    ("Enter your PIN, which stands for personal identification number.", "PIN", "personal identification number"),
    ("The National Aeronautics and Space Administration (NASA, /ˈnæsə/) is an agency.", "NASA",
     "National Aeronautics and Space Administration"),
])
def test_definitions_are_found_before_and_after_the_abbreviation(text, short, long):
    assert [d.text for d in definitions(short, passage(text))] == [long]


@pytest.mark.parametrize("text, short", [
    ("Porters frequently use FTBFS in bug titles.", "FTBFS"),  # mentioned, not defined
    ("The New York City Fire Department (FDNY) fights fires.", "FDNY"),  # letters in another order
    ("It was reported by the Systems team (SMS).", "SMS"),  # one word cannot spell three letters
])
def test_a_mention_without_a_definition_is_not_one(text, short):
    assert definitions(short, passage(text)) == []


def test_spelling_rules():
    assert spells("FTBFS", "Fails To Build From Source")
    assert not spells("FTBFS", "Fails To Build From")  # the last letter is not in the last word
    assert not spells("DFSG", "the Debian Free Software Guidelines")  # the first letter starts the first word
    assert plausible("DFSG", "Debian Free Software Guidelines")
    assert not plausible("LLC", "liability company")  # two of three letters are not initials


def test_the_answer_quotes_and_cites_the_defining_sentence():
    text = "Chapter 2.\n\nUse a chroot. Pbuilder avoids FTBFS (Fails To Build From Source) bugs. Then upload."
    answer = AcronymAnswerer().answer("What does FTBFS stand for?", [passage(text, start=100)])
    assert answer.short_answer == "Fails To Build From Source" and not answer.declined
    [citation] = answer.citations
    assert citation.quote == "Pbuilder avoids FTBFS (Fails To Build From Source) bugs."
    assert text[citation.start - 100 : citation.end - 100] == citation.quote
    assert answer.answer.endswith("[1]")


def test_a_definition_elsewhere_in_the_collection_is_looked_up_when_the_passages_lack_one():
    retrieved = [passage("Porters frequently use NMU in their mail.", "a.txt")]
    elsewhere = passage("Such uploads are called Non-Maintainer Uploads (NMU).", "b.txt")
    asked_for = []

    def mentions(text, n):
        asked_for.append(text)
        return [elsewhere]

    answer = AcronymAnswerer(mentions).answer("What does NMU stand for?", retrieved)
    assert asked_for == ["NMU"] and answer.short_answer == "Non-Maintainer Uploads"
    assert answer.citations[0].source == "b.txt"


def test_other_questions_and_undefined_abbreviations_are_left_to_the_answerer():
    retrieved = [passage("Porters frequently use FTBFS in bug titles.")]
    assert AcronymAnswerer().answer("Who uses FTBFS?", retrieved) is None
    assert AcronymAnswerer(lambda text, n: []).answer("What does FTBFS stand for?", retrieved) is None


def test_the_assistant_answers_from_the_definition_with_real_models(tmp_path):
    from assistant import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "packaging.md").write_text(
        "# Building packages\n\nBuild every package in a clean chroot with pbuilder. Building there verifies the "
        "build dependencies and avoids FTBFS (Fails To Build From Source) bugs that porters report.\n\n"
        "# Uploading\n\nSign the .changes file with debsign, then upload it with dput.\n")
    (docs / "bugs.md").write_text(
        "# Bug reports\n\nPorters frequently use the FTBFS acronym in bug titles. Reply to the submitter "
        "and close the bug once it is fixed.\n")
    bot = Assistant(collection="acronyms", store=tmp_path / "store")
    assert not bot.index([docs]).failed
    answer = bot.ask("What does FTBFS stand for?")
    assert answer.short_answer == "Fails To Build From Source" and answer.answerer == "acronym"
    assert answer.citations[0].source.endswith("packaging.md")
    assert bot.ask("How do I upload the package?").answerer == "reader"
