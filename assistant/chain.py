"""The answering pipeline as LangChain Runnables: rewrite the follow-up, retrieve,
answer. ``Assistant.chain`` is what other LangChain code composes with."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant import followup
from assistant.answerers import Answerer
from assistant.retrieval import HybridRetriever
from assistant.types import Answer


def _as_input(value: Any) -> dict:
    if isinstance(value, str):
        return {"question": value, "history": []}
    if isinstance(value, dict) and "question" in value:
        return {"question": value["question"], "history": list(value.get("history") or [])}
    raise TypeError('the chain takes a question string or {"question": str, "history": [str, ...]}')


def build_chain(retriever: HybridRetriever, answerer: Answerer) -> Runnable:
    """``{"question", "history"}`` (or a plain question) in, an ``Answer`` out."""

    def condense(value: Any) -> dict:
        data = _as_input(value)
        rewrite = getattr(answerer, "rewrite", followup.rewrite)
        return {**data, "rewritten": rewrite(data["question"], data["history"])}

    def retrieve(data: dict) -> dict:
        return {**data, "passages": retriever.retrieve(data["rewritten"])}

    def answer(data: dict) -> Answer:
        rewritten = data["rewritten"] if data["rewritten"] != data["question"] else None
        return answerer.answer(data["question"], data["passages"], rewritten=rewritten)

    return (
        RunnableLambda(condense, name="condense_question")
        | RunnableLambda(retrieve, name="retrieve")
        | RunnableLambda(answer, name="answer")
    )


class LangChainRetriever(BaseRetriever):
    """The hybrid retriever as a LangChain ``BaseRetriever`` returning ``Document``s
    whose metadata carries source, page and character offsets."""

    retriever: Any

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=p.text,
                metadata={"id": p.id, "source": p.source, "page": p.page, "start": p.start, "end": p.end, "score": p.score},
            )
            for p in self.retriever.retrieve(query)
        ]
