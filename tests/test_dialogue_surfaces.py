"""Three-turn conversations with the real models, through every way in: the third
question ("When did she die?") refers to a person named only in the assistant's
previous answer. And a new, self-contained question after a dialogue is answered
from its own page, not pulled back to the dialogue's."""

import pytest

pytestmark = pytest.mark.slow

CLUB = """# The Harbour Rowing Club

The Harbour Rowing Club is an amateur rowing club on the Water of Leith in Edinburgh. It races coastal fours and holds a regatta every August.

## History

The club was founded in 1921 by Margaret Ellison, a schoolteacher from Leith. Its first boathouse stood on the old timber quay. The first captain, Thomas Reid, led the crew that won the Forth Cup in 1926; Reid died in 1950 and the cup race is named after him.

## Later years

Margaret Ellison remained president of the club for thirty years. She died in 1967 in Portobello, and a scholarship for young rowers carries her name. In 1984 the club moved to a new boathouse at Newhaven.
"""
WEATHER = """# Coastal weather

Sea fog is common on the Forth in early summer. Rowers check the tide tables before going out, and the harbour master closes the slipway in gales.
"""
FIRST, SECOND, THIRD = "What is the Harbour Rowing Club?", "Who founded it?", "When did she die?"


def write_club(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "harbour.md").write_text(CLUB)
    (folder / "weather.md").write_text(WEATHER)
    return folder


def check_third(answer: dict) -> None:
    assert "Margaret Ellison" in answer["rewritten_question"]
    assert not answer["declined"] and "1967" in answer["short_answer"]
    assert answer["citations"][0]["source"] == "harbour.md"


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    from assistant import Assistant

    root = tmp_path_factory.mktemp("club")
    bot = Assistant(collection="club", store=root / "store")
    assert not bot.index([write_club(root / "docs")]).failed
    return bot


def test_python_api_reads_its_own_previous_answer(bot):
    first = bot.ask(FIRST)
    second = bot.ask(SECOND, history=[FIRST, first])
    assert second.short_answer == "Margaret Ellison"
    third = bot.ask(THIRD, history=[FIRST, first, SECOND, second])
    check_third(third.to_json())


def test_earlier_questions_given_alone_are_answered_again_for_their_context(bot):
    """``ask --history`` with the questions alone: the assistant answers them again first, so the
    person named only in its answer to the second is found as in the live chat."""
    from assistant import Assistant

    check_third(bot.ask(THIRD, history=[FIRST, SECOND]).to_json())
    without = Assistant(collection="club", store=bot.settings.store, replay=False)
    assert "Margaret Ellison" not in without.ask(THIRD, history=[FIRST, SECOND]).rewritten_question


def test_the_chain_takes_turns_with_roles(bot):
    third = bot.chain.invoke({"question": THIRD, "history": [
        FIRST, {"role": "assistant", "content": "An amateur rowing club in Edinburgh [1]."},
        {"role": "user", "content": SECOND}, {"role": "assistant", "content": "Margaret Ellison [1]"}]})
    check_third(third.to_json())


def test_a_new_self_contained_question_is_not_pulled_back(bot):
    history = [FIRST, bot.ask(FIRST), SECOND, bot.ask(SECOND, history=[FIRST])]
    answer = bot.ask("Is sea fog common on the Forth in early summer?", history=history)
    assert answer.citations and answer.citations[0].source == "weather.md"
    assert answer.passages[0].source == "weather.md"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from fastapi.testclient import TestClient

    from assistant.server.app import create_app

    root = tmp_path_factory.mktemp("club-server")
    app = create_app(str(root / "store"), ui=False)
    app.state.team.accounts.add("ana", "ana-password")
    headers = {"Authorization": f"Bearer {app.state.team.accounts.new_token('ana')}"}
    client = TestClient(app)
    assert client.post("/v1/collections", json={"name": "club"}, headers=headers).status_code == 201
    files = [("files", ("harbour.md", CLUB.encode(), "text/markdown")),
             ("files", ("weather.md", WEATHER.encode(), "text/markdown"))]
    assert client.post("/v1/collections/club/documents", headers=headers, files=files).json()["files"]["added"] == 2
    return client, headers


def test_rest_continues_a_conversation_with_its_questions_and_answers(server):
    client, headers = server
    ask = lambda question, **extra: client.post("/v1/ask", headers=headers, json={  # noqa: E731
        "question": question, "collection": "club", **extra}).json()
    first = ask(FIRST)
    conversation = first["conversation_id"]
    assert ask(SECOND, conversation_id=conversation)["short_answer"] == "Margaret Ellison"
    check_third(ask(THIRD, conversation_id=conversation))


def test_rest_takes_an_explicit_history_with_roles(server):
    client, headers = server
    answer = client.post("/v1/ask", headers=headers, json={"question": THIRD, "collection": "club", "history": [
        FIRST, {"role": "user", "content": SECOND}, {"role": "assistant", "content": "Margaret Ellison [1]"}]})
    check_third(answer.json())
    bad = client.post("/v1/ask", headers=headers, json={"question": THIRD, "collection": "club",
                                                        "history": [{"role": "robot", "content": "x"}]})
    assert bad.status_code == 422


def test_openai_endpoint_uses_the_assistant_messages(server):
    client, headers = server
    messages = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": "An amateur rowing club [1]."},
                {"role": "user", "content": SECOND}, {"role": "assistant", "content": "Margaret Ellison [1]"},
                {"role": "user", "content": THIRD}]
    body = client.post("/v1/chat/completions", headers=headers, json={"model": "club", "messages": messages}).json()
    check_third(body["assistant"])
    assert "1967" in body["choices"][0]["message"]["content"]


def test_mcp_ask_takes_turns(bot):
    import asyncio

    from test_mcp import session_run, value

    async def steps(session):
        return await session.call_tool("ask", {"question": THIRD, "collection": "club", "history": [
            FIRST, SECOND, {"role": "assistant", "content": "Margaret Ellison"}]})

    check_third(value(asyncio.run(session_run(bot.settings.store, steps))))


def test_an_answer_alone_as_history_is_context_too(bot):
    answer = bot.ask("When did she die?", history=[{"role": "assistant", "content": "Margaret Ellison founded it.",
                                                   "sources": ["harbour.md"]}])
    assert "Margaret Ellison" in answer.rewritten_question and answer.citations[0].source == "harbour.md"


DISABILITY = """# How to apply for disability benefits

We pay disability benefits to people who cannot work because of a medical condition that is expected to last at least one year.

## When to apply

You should apply as soon as you become disabled. Processing an application usually takes three to five months.

## How to apply

You can apply online, or call our national toll-free number and ask for an appointment at your local office.

## Publications

Our publication "Medicare" explains what hospital insurance covers and who can get it. The Disability Starter Kit will help you get ready for your interview.
"""
RETIREMENT = """# Retirement benefits

You can start your retirement benefits as early as age 62. If you delay your benefits past full retirement age, your monthly payment grows until age 70.
"""


def test_a_turn_that_remarks_before_it_asks_is_answered_by_what_it_asks(tmp_path):
    """The remark, with its pronoun resolved ("I'll give Medicare a read later"), sinks the reader's
    reading of the whole turn below the decline threshold; the question alone finds the answer."""
    from assistant import Assistant

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "disability.md").write_text(DISABILITY)
    (tmp_path / "docs" / "retirement.md").write_text(RETIREMENT)
    bot = Assistant(collection="benefits", store=tmp_path / "store")
    assert not bot.index([tmp_path / "docs"]).failed
    history = ["Hello, I'm here to learn more about how you decide if a person is disabled.",
               "Do you have a publication about Medicare?"]
    answer = bot.ask("That's great, I'll give it a read later. And when should I apply for disability benefits?",
                     history=history)
    assert not answer.declined and "as soon as you become disabled" in answer.short_answer
    assert answer.citations[0].source == "disability.md"
    assert answer.rewritten_question.startswith("That's great")  # the whole turn is what was searched and shown


GI_BILL = """# Montgomery GI Bill Active Duty (MGIB-AD)

The Montgomery GI Bill Active Duty helps you pay for college, technical or vocational school, apprenticeships and on-the-job training if you served at least two years on active duty.

## Am I eligible?

You may be eligible if you have an honorable discharge, a high school diploma or GED, and you meet the service requirements of one of four categories. Category I is for those who entered active duty for the first time after June 30, 1985, and had their military pay reduced by $100 a month for the first 12 months.

## What benefits can I get?

You may receive up to 36 months of education benefits. How much you get depends on how long you served, the type of training you take, and whether you have a college fund or kicker. Benefits usually last 10 years from the date you leave active duty.

## How do I get these benefits?

You can apply online or by mail, or work with a trained professional called an accredited representative.

## Do I have to call?

No, but you can: call 888-442-4551. People who are deaf or hard of hearing may call our toll-free TTY number, 711.
"""
PHONE = """# How to apply for disability benefits

We pay disability benefits to people who cannot work because of a medical condition that is expected to last at least one year. You should apply as soon as you become disabled; processing an application usually takes three to five months.

You can apply online, or call our national toll-free number, 1-800-772-1213, and ask for an appointment at your local office; people who are deaf or hard of hearing may call our toll-free TTY number, 1-800-325-0778. Have your medical records, the names and addresses of your doctors, hospitals and clinics, the medicines you take, and your work history for the last fifteen years at hand when you apply, and a copy of your most recent W-2 form or federal tax return.
"""
EDUCATION = """# VA education benefits

You may qualify for more than one VA education benefit, but you can only use one benefit at a time. You must choose which benefit to use, and the choice is usually final. Compare what each one pays before you decide.
"""


@pytest.fixture(scope="module")
def benefits(tmp_path_factory):
    from assistant import Assistant

    root = tmp_path_factory.mktemp("benefits")
    (root / "docs").mkdir()
    (root / "docs" / "gi-bill.md").write_text(GI_BILL)
    (root / "docs" / "phone.md").write_text(PHONE)
    (root / "docs" / "education.md").write_text(EDUCATION)
    bot = Assistant(collection="benefits", store=root / "store")
    assert not bot.index([root / "docs"]).failed
    return bot


def test_a_follow_up_the_cited_page_answers_stays_on_it(benefits):
    """The opening turn points to the overview page, the answer came from the GI Bill page, and a
    third page matches "TTY number" best. The GI Bill page, which the last answer cited, gives a TTY
    number too, so the turn is the dialogue's, not a new topic."""
    from dataclasses import replace

    from assistant.dialogue import as_turns

    history = as_turns(["Can I get more than one VA education benefit at the same time?",
                        {"role": "assistant", "content": "You can only use one benefit at a time [1].",
                         "sources": ["gi-bill.md"]}])
    question = "Do I have to call? I am deaf. Is there a TTY number?"
    retriever = benefits.pipeline.retriever
    assert retriever.search(question, history).follow_up
    answer = benefits.ask(question, history=history)
    assert answer.citations[0].source == "gi-bill.md" and "711" in answer.answer
    asked_alone = replace(retriever.weights, shift_cited_margin=-1.0)  # the test before the cited page was asked
    assert not type(retriever)(retriever.base, asked_alone).search(question, history).follow_up
    # a question that belongs elsewhere still leaves the dialogue's page
    moved = benefits.ask("What should I have at hand when I apply for disability benefits?", history=history)
    assert moved.citations[0].source == "phone.md"
