"""``assistant mcp`` driven by the MCP SDK's own stdio client: tools listed, ``ask`` and
``search`` answered with citations that quote the files, documents as resources, and
errors a person can act on. The session's transcript goes to test-artifacts/."""

import asyncio
import json
import sys

import pytest

from conftest import ROOT, SAMPLE

pytestmark = [pytest.mark.slow, pytest.mark.integration]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("mcp-store")
    bot = Assistant(collection="bikes", store=folder)
    assert not bot.index([SAMPLE / "corpus"]).failed
    bot.prepare()
    return folder


def value(result):
    """A tool result's value: structured content when the server gives it, else the JSON text."""
    if result.structured_content is not None:
        content = result.structured_content
        return content["result"] if set(content) == {"result"} else content
    return json.loads(result.content[0].text)


async def session_run(store, steps):
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable, cwd=str(ROOT),
                                   args=["-m", "assistant.cli", "mcp", "--store", str(store), "--collection", "bikes"],
                                   env={"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return await steps(session)


@pytest.fixture(scope="module")
def transcript(store):
    async def steps(session):
        tools = await session.list_tools()
        ask = await session.call_tool("ask", {"question": "How much does a single ride cost?"})
        search = await session.call_tool("search", {"query": "helmets", "k": 3})
        collections = await session.call_tool("list_collections", {})
        unknown = await session.call_tool("ask", {"question": "Anything?", "collection": "nosuchcollection"})
        empty = await session.call_tool("ask", {"question": "   "})
        resources = await session.list_resources()
        uri = next(r.uri for r in resources.resources if str(r.uri).endswith("/pricing.html"))
        document = await session.read_resource(uri)
        return {"tools": tools, "ask": ask, "search": search, "collections": collections, "unknown": unknown,
                "empty": empty, "resources": resources, "document": document}

    result = asyncio.run(session_run(store, steps))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "mcp-session.json").write_text(json.dumps({
        "tools": [t.name for t in result["tools"].tools],
        "ask": {"arguments": {"question": "How much does a single ride cost?"}, "result": value(result["ask"])},
        "unknown_collection_error": result["unknown"].content[0].text,
    }, indent=2, ensure_ascii=False))
    return result


def test_lists_the_three_tools(transcript):
    assert {t.name for t in transcript["tools"].tools} == {"ask", "search", "list_collections"}


def test_ask_returns_the_answer_with_citations_that_quote_the_files(transcript):
    from evals.runner import corpus_texts

    answer = value(transcript["ask"])
    assert not transcript["ask"].is_error and not answer["declined"] and "2.50" in answer["answer"]
    texts = corpus_texts(SAMPLE / "corpus")
    assert answer["citations"]
    for c in answer["citations"]:
        assert texts[c["source"]][c["start"] : c["end"]] == c["quote"]


def test_search_returns_passages_at_their_offsets(transcript):
    from evals.runner import corpus_texts

    passages = value(transcript["search"])
    texts = corpus_texts(SAMPLE / "corpus")
    assert 1 <= len(passages) <= 3 and passages[0]["source"] == "faq.txt"
    for p in passages:
        assert texts[p["source"]][p["start"] : p["end"]] == p["text"]


def test_collections_and_documents_as_resources(transcript):
    from evals.runner import corpus_texts

    assert value(transcript["collections"]) == [{"name": "bikes", "documents": 5, "chunks": value(transcript["collections"])[0]["chunks"]}]
    assert len(transcript["resources"].resources) == 5
    text = transcript["document"].contents[0].text
    citation = value(transcript["ask"])["citations"][0]
    assert text[citation["start"] : citation["end"]] == citation["quote"]
    assert corpus_texts(SAMPLE / "corpus")["pricing.html"].strip() == text.strip()


def test_mistakes_come_back_as_errors_that_say_what_to_do(transcript):
    unknown, empty = transcript["unknown"], transcript["empty"]
    assert unknown.is_error and "nosuchcollection" in unknown.content[0].text and "bikes" in unknown.content[0].text
    assert empty.is_error and "empty" in empty.content[0].text
    assert "Traceback" not in unknown.content[0].text + empty.content[0].text
