"""The answering pipeline as LangChain Runnables: rewrite the follow-up, respell it, retrieve,
answer. ``Assistant.chain`` is what other LangChain code composes with."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.pipeline import Pipeline


def build_chain(pipeline: Pipeline) -> Runnable:
    """``{"question", "history"}`` (or a plain question) in, an ``Answer`` out."""
    return (
        RunnableLambda(pipeline.condense, name="condense_question")
        | RunnableLambda(pipeline.respell, name="respell")
        | RunnableLambda(pipeline.retrieve, name="retrieve")
        | RunnableLambda(pipeline.answer, name="answer")
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
