"""Rewrite a follow-up question into a stand-alone one, without an LLM.

The conversation is read turn by turn, each earlier question already made
stand-alone, so a third turn builds on the second's resolved form. Pronouns are
filled in by what they can refer to:

- he/she/him/his/her: the most recent *person* named: a capitalised name whose
  first word is a known given name (gender-guesser's list, which also says
  whether "she" or "he" fits better), a name after a title (Dr, Ms, President),
  or what a "who is X?" question asked about;
- it/its/they/them/their: the most recent *thing*: what the previous turn was
  about ("What is lintian?" -> lintian), including lower-case program names
  (words that are rare in English, or spelled like code: ``dh-make``,
  ``python3``), else its last capitalised name that is not a person.

A short question without a pronoun ("And in 1990?", "ok tell me the requirements?") gets
the previous turn's key words appended for retrieval: the assistant's short answer when the
history holds it (it names what the page says), else the previous question — measured on
doc2dial's training dialogues in docs/dialogue-rewrite.md. The assistant's earlier answers
are read for pronouns too: "Who founded it?" → "Ada Lovelace" → "When did she die?" finds her there.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.text import QUESTION_WORDS, content_words

_PERSONAL = {"he": "male", "she": "female", "him": "male", "his": "male", "her": "female"}
_POSSESSIVE = {"his", "her", "their", "its"}
_PRONOUN = re.compile(r"\b(?!IT\b)(?i:he|she|they|it|him|them|his|her|their|its)\b")  # "an IT project" is no "it"
# a run of capitalised words within a line (a heading's last word and the next line's first are two names)
_ENTITY = re.compile(r"\b[A-Z][\w’'.-]*(?:[^\S\n]+(?:of\s+|de\s+|van\s+|von\s+|the\s+)?[A-Z][\w’'.-]*)*")
_COPULA = re.compile(r"^\s*(?:who|what|which|where)\s+(?:is|are|was|were)\s+(.+?)\s*\?*\s*$", re.IGNORECASE)
_WHO = re.compile(r"^\s*who\s+(?:is|was)\s+(.+?)\s*\?*\s*$", re.IGNORECASE)
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "president", "king", "queen",
           "senator", "minister", "judge", "captain", "saint", "st"}
_STARTERS = QUESTION_WORDS | {"am", "is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would",
                              "and", "but", "so", "tell", "what's", "who's", "the", "in", "on", "a", "an", "how",
                              "i", "should", "must", "may", "has", "have", "had"}
_LINKING = {"after", "before", "since", "until", "while", "when", "if", "because", "although", "unless", "once",
            "with", "without", "for", "from", "about", "into", "during", "through", "to", "at", "by", "or", "as"}
# a word of an earlier turn: "2.50", "1,200", "/etc/apt" and "--no-act" stay whole
_TOKEN = re.compile(r"[/~-]*\w[\w’'-]*(?:[.,:/]\w[\w’'-]*)*")
_NEXT_SENTENCE = {"The", "A", "An", "And", "Or", "But", "If", "Of", "In", "On", "To", "For"}  # "New York City The"
_OWNER = re.compile(r"[’']s?$")  # "the City Council's office" names the City Council
_CODE_LIKE = re.compile(r"^[a-z][a-z0-9]*(?:[-_.+][a-z0-9]+)+$|^[a-z]+\d+$")
RARE_ZIPF = 2.0  # words rarer than this in English are taken for names of programs and products
# A capitalised word opening a sentence this common in English ("Yes", "Sorry", "Look") is not taken for a name.
OPENER_ZIPF = 4.5
_I = re.compile(r"^I(?:[’'](?:m|ve|d|ll))?$")
_DATES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_DETERMINED = re.compile(r"\b(?:the|that|this|these|those|my|your|our)\s+(?:[\w’'-]+\s+){0,2}?[\w’'-]{3,}", re.I)
_RELATIVES = re.compile(r"\b(?:my|your|our|the|a|an)\s+(?:\w+\s+)?(?:spouse|husband|wife|son|daughter|child|kid|"
                        r"father|mother|dad|mom|parent|brother|sister|partner|friend|boss|doctor|teacher)\b", re.I)
_PREDICATE = (r"(?:possible|necessary|true|ok|okay|required|mandatory|important|enough|safe|better|best|worth|"
              r"easy|easier|hard|difficult|likely|too)\b")
_DUMMY_IT = re.compile(rf"\bit\s+(?:is|was|[’']s|would\s+be|will\s+be)\s+(?:\w+\s+)?{_PREDICATE}"
                       rf"|\b(?:is|was|would|will)\s+it\s+(?:be\s+)?{_PREDICATE}", re.I)  # "is it possible to …"


def entities(text: str) -> list[str]:
    """Capitalised word runs, skipping sentence-initial question words, "I", and the common words
    that open a sentence ("Yes", "Sorry")."""
    found = []
    for match in _ENTITY.finditer(text):
        before, words = text[:match.start()], match.group().split()
        while words and _not_a_name(words[0], before, alone=len(words) == 1):
            before, words = f"{before} {words[0]}", words[1:]
        while words and (_I.match(words[-1].rstrip(".,!?")) or words[-1] in _NEXT_SENTENCE):
            words = words[:-1]
        if words:
            found.append(_OWNER.sub("", " ".join(words).rstrip("?.!,")))
    return found


def _not_a_name(word: str, before: str, alone: bool) -> bool:
    """A run's first word that names nothing: a question word, "I", a common word opening a
    sentence, when it stands alone or ends its clause ("Yes," / "Yes. I"), or a conjunction or
    preposition a title opens with, typed into a sentence ("what happens after After you apply")."""
    bare = word.rstrip(".,!?")
    return (word.lower() in _STARTERS or bool(_I.match(bare)) or bare.lower() in _LINKING
            or (alone or word[-1] in ".,!?") and _opener(bare, before))


def _opener(name: str, before: str) -> bool:
    from wordfreq import zipf_frequency

    starts_sentence = not before.strip() or before.rstrip()[-1] in ".!?,;:" or "\n" in before[len(before.rstrip()):]
    return (starts_sentence and person_gender(name) in (None, "either")
            and zipf_frequency(name.lower(), "en") >= OPENER_ZIPF)


@lru_cache(maxsize=1)
def _names():
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


def person_gender(name: str) -> str | None:
    """``"male"``/``"female"``/``"either"`` when ``name`` looks like a person's name, else ``None``."""
    words = name.replace(".", "").split()
    if not words or not words[0][:1].isupper():
        return None
    if len(words) >= 2 and words[0].lower() in _TITLES:
        return "either"
    guess = _names().get_gender(words[0]) if words else "unknown"
    if guess in ("male", "mostly_male"):
        return "male"
    if guess in ("female", "mostly_female"):
        return "female"
    return "either" if guess == "andy" else None


def _is_product_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return bool(_CODE_LIKE.match(word)) or (
        word.isalpha() and word.islower() and len(word) > 2 and word not in _STARTERS
        and zipf_frequency(word, "en") < RARE_ZIPF
    )


def subject(question: str) -> str | None:
    """What a question is about: X of "who/what is X?", else a program or product it names."""
    match = _COPULA.match(question)
    if match:
        return match.group(1)
    words = [w.strip("?.!,;:()\"'") for w in question.split()]
    return next((w for w in words if w and _is_product_word(w)), None)


def people(question: str) -> list[tuple[str, str]]:
    """``(name, gender)`` of the people a question names, in order."""
    found = [(e, g) for e in entities(question) if (g := person_gender(e))]
    who = _WHO.match(question)
    if who and not found and not _PRONOUN.search(who.group(1)):
        found.append((who.group(1), "either"))
    return found


def things(question: str) -> list[str]:
    """What "it" can refer to in a question: its subject, else its non-person names (last first)."""
    named = [e for e in entities(question) if not person_gender(e) and e.lower() not in _DATES]
    about = subject(question)
    if about and not person_gender(about) and not _WHO.match(question):
        return [about, *reversed(named)]
    return list(reversed(named))


def is_follow_up(question: str) -> bool:
    return bool(_PRONOUN.search(question)) or len(content_words(question)) < 2


def rewrite(question: str, history: list) -> str:
    """The stand-alone form of ``question`` given the earlier turns (strings are
    questions, or ``dialogue.Turn``s; most recent last).

    Each question is resolved against the ``FOLLOW_UP_WINDOW`` turns before it, already
    resolved, so the work grows linearly with the history's length."""
    from assistant.dialogue.turns import as_turns
    from assistant.limits import FOLLOW_UP_WINDOW

    resolved: list[str] = []
    for turn in as_turns(history)[-2 * FOLLOW_UP_WINDOW:]:
        said = _rewrite_one(turn.content, resolved[-FOLLOW_UP_WINDOW:]) if turn.role == "user" else turn.said
        resolved.append(said)
    return _rewrite_one(question, resolved[-FOLLOW_UP_WINDOW:])


def _rewrite_one(question: str, history: list[str]) -> str:
    if not history or not is_follow_up(question):
        return question
    if _PRONOUN.search(question):
        return _PRONOUN.sub(lambda m: _resolved(m, question, history), question)
    context = " ".join(dict.fromkeys(w for w in _TOKEN.findall(history[-1]) if content_words(w)))
    return f"{question.rstrip()} ({context})" if context else question


def _resolved(match: re.Match, question: str, history: list[str]) -> str:
    pronoun, before = match.group(), question[:match.start()]
    if pronoun.lower() in _PERSONAL:
        own = _RELATIVES.search(before) or people(before)
    else:
        own = _DETERMINED.search(before) or (pronoun.lower() == "it" and _dummy_it(question, match.start()))
    return pronoun if own else _referent(pronoun, history) or pronoun


def _dummy_it(question: str, at: int) -> bool:
    return any(m.start() <= at < m.end() for m in _DUMMY_IT.finditer(question))


def _referent(pronoun: str, history: list[str]) -> str | None:
    word = pronoun.lower()
    if word in _PERSONAL:
        wanted = _PERSONAL[word]
        candidates = [(name, g) for turn in reversed(history) for name, g in reversed(people(turn))]
        entity = next((n for n, g in candidates if g in (wanted, "either")), None) or next(
            (n for n, _ in candidates), None)
        if entity is None and word in ("he", "she", "him"):  # "Who is the program manager?" -> "Who does she ..."
            entity = next((s for turn in reversed(history) if (s := subject(turn))), None)
    else:
        entity = next((t for turn in reversed(history) for t in things(turn)), None)
    if entity is None:
        return None
    if word in _POSSESSIVE:
        return f"{entity}’s" if not entity.endswith("s") else f"{entity}’"
    return entity
