"""``POST /v1/chat/completions`` in the OpenAI format, so any OpenAI-style client or
chat UI can ask a collection: ``model`` names the collection, the last user message is
the question and the earlier user and assistant messages its history (an earlier
answer names what the next question may refer to).

The answer text keeps its ``[n]`` markers, so a client that knows nothing of sources
still shows readable, cited text. The sources travel in two extra fields of the
response (and of the last streamed chunk): ``citations`` — ``[{n, source, page, start,
end, quote}]``, the same objects as ``assistant ask --json`` — and ``assistant``, that
whole object (``short_answer``, ``declined``, ``rewritten_question``…).
``GET /v1/models`` lists the collections as models.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from assistant.types import Answer


class Message(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: keep the text ones
            return " ".join(part.get("text", "") for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model: str = Field(description="the collection to ask")
    messages: list[Message]
    stream: bool = False


class OpenAIError(Exception):
    def __init__(self, status: int, message: str, code: str, kind: str = "invalid_request_error"):
        self.status, self.message, self.code, self.kind = status, message, code, kind


def error_response(exc: OpenAIError) -> JSONResponse:
    """The error body OpenAI clients parse (``openai.NotFoundError`` and friends)."""
    return JSONResponse({"error": {"message": exc.message, "type": exc.kind, "code": exc.code, "param": None}},
                        status_code=exc.status)


def question_and_history(messages: list[Message]) -> tuple[str, list[dict]]:
    """The last user message, and the user and assistant messages before it as turns."""
    said = [m for m in messages if m.role in ("user", "assistant")]
    last = max((i for i, m in enumerate(said) if m.role == "user"), default=None)
    if last is None or not said[last].text().strip():
        raise OpenAIError(400, "the last user message is empty; send the question as a user message", "empty_question")
    history = [{"role": m.role, "content": m.text().strip()} for m in said[:last] if m.text().strip()]
    return said[last].text().strip(), history


def _envelope(kind: str, completion_id: str, model: str) -> dict:
    return {"id": completion_id, "object": kind, "created": int(time.time()), "model": model}


def _sources(answer: Answer) -> dict:
    data = answer.to_json()
    return {"citations": data["citations"], "assistant": data}


def completion(answer: Answer, model: str) -> dict:
    body = _envelope("chat.completion", f"chatcmpl-{uuid.uuid4().hex}", model)
    body["choices"] = [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                        "finish_reason": "stop", "logprobs": None}]
    body["usage"] = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    return body | _sources(answer)


def chunks(pieces: Iterator[str | Answer], model: str) -> Iterator[str]:
    """Server-sent events: the answer text as it comes, then a last chunk with the
    final text's sources, then ``[DONE]``."""
    base = _envelope("chat.completion.chunk", f"chatcmpl-{uuid.uuid4().hex}", model)

    def event(delta: dict, finish: str | None = None, **extra) -> str:
        body = base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]} | extra
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    for piece in pieces:
        if isinstance(piece, Answer):
            yield event({}, "stop", **_sources(piece))
        else:
            yield event({"content": piece})
    yield "data: [DONE]\n\n"


def router(open_collection: Callable[[object, str], object], collection_names: Callable[[object], list[str]],
           authorize: Callable = lambda: None) -> APIRouter:
    """The endpoints. ``authorize`` is the dependency that checks the caller and gives
    who it is; ``collection_names(user)`` lists what they may read and
    ``open_collection(user, name)`` gives that collection's ``Assistant``."""
    api = APIRouter()
    caller = Depends(authorize)

    def assistant_for(user, name: str):
        names = collection_names(user)
        if name not in names:
            raise OpenAIError(404, f"no collection named {name!r} that you may read; yours are: "
                                   f"{', '.join(names) or 'none yet'}", "model_not_found")
        return open_collection(user, name)

    @api.get("/v1/models")
    def models(user=caller) -> dict:
        return {"object": "list", "data": [{"id": name, "object": "model", "created": 0, "owned_by": "assistant"}
                                           for name in collection_names(user)]}

    @api.post("/v1/chat/completions")
    def chat(request: ChatRequest, user=caller):
        try:
            question, history = question_and_history(request.messages)
            bot = assistant_for(user, request.model)
        except OpenAIError as exc:
            return error_response(exc)
        if request.stream:
            return StreamingResponse(chunks(bot.stream(question, history=history), request.model),
                                     media_type="text/event-stream")
        return completion(bot.ask(question, history=history), request.model)

    return api
