"""The chain and the retriever compose with other LangChain code."""

import pytest

pytestmark = pytest.mark.slow


def test_chain_composes_as_a_runnable(sample_bot):
    from langchain_core.runnables import RunnableLambda

    pipeline = sample_bot.chain | RunnableLambda(lambda answer: [c.source for c in answer.citations])
    assert pipeline.invoke("Which station was the busiest?") == ["annual-report-2023.docx"]
    batch = sample_bot.chain.batch([{"question": "How old must riders be?", "history": []},
                                    {"question": "Who does she report to?", "history": ["Who is the program manager?"]}])
    assert "16" in batch[0].answer and "infrastructure committee" in batch[1].answer


def test_retriever_returns_documents_with_offsets(sample_bot):
    documents = sample_bot.as_retriever().invoke("single ride price")
    assert documents and documents[0].metadata["source"] == "pricing.html"
    assert {"source", "page", "start", "end", "score"} <= set(documents[0].metadata)
