"""The REST API, ``/v1/...``: ask (plain or streamed), collections and their
documents, sharing, conversations and feedback. Every route needs
``Authorization: Bearer TOKEN`` when the server has accounts (401 without), and
answers 404 for what the caller may not see, 403 for what they see but may not
change. The OpenAPI description is at ``/openapi.json``, the docs at ``/docs``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field

from assistant.server import audit
from assistant.server.accounts import User
from assistant.server.conversations import stored_answer
from assistant.server.team import Team
from assistant.types import Answer


class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    question: str
    collection: str
    history: list[str | HistoryTurn] = Field(
        default_factory=list, description='earlier turns, oldest first: questions, or {"role": "user"|"assistant", '
                                          '"content": …} to include the answers')
    conversation_id: str | None = Field(
        None, description="continue this conversation (its questions and answers are the history)")


class NewCollection(BaseModel):
    name: str


class ShareRequest(BaseModel):
    users: list[str] = Field(default_factory=list, description="users who may read and ask, added to those who may")
    everyone: bool | None = Field(None, description="true: every user may read and ask; false: only those named")
    remove: list[str] = Field(default_factory=list, description="users who may no longer read it")


class Rename(BaseModel):
    title: str


class FeedbackRequest(BaseModel):
    conversation_id: str
    message_id: int
    rating: int = Field(description="1: helpful, -1: wrong")
    correction: str | None = None


def router(team: Team) -> APIRouter:
    api = APIRouter(prefix="/v1")
    me = Depends(team.authenticate)

    def _history(user: User, request: AskRequest) -> tuple[str, list]:
        given = [t if isinstance(t, str) else t.model_dump() for t in request.history]
        if request.conversation_id is None:
            return team.conversations.start(user, request.collection, request.question), given
        return request.conversation_id, given or team.conversations.turns(user, request.conversation_id)

    def _record(user: User, conversation_id: str, question: str, answer: Answer) -> dict:
        message_id = team.conversations.add(user, conversation_id, question, stored_answer(answer))
        return {**answer.to_json(), "conversation_id": conversation_id, "message_id": message_id}

    @api.post("/ask", summary="Ask a collection; the answer is kept in a conversation")
    def ask(request: AskRequest, user: User = me) -> dict:
        bot = team.for_reading(user, request.collection)
        conversation_id, history = _history(user, request)
        return _record(user, conversation_id, request.question, bot.ask(request.question, history=history))

    @api.post("/ask/stream", summary="Ask, answered as server-sent events: text pieces, then the final object")
    def ask_stream(request: AskRequest, user: User = me) -> StreamingResponse:
        bot = team.for_reading(user, request.collection)
        conversation_id, history = _history(user, request)
        pieces = bot.stream(request.question, history=history)

        def events() -> Iterator[str]:
            for piece in pieces:
                if isinstance(piece, Answer):
                    final = _record(user, conversation_id, request.question, piece)
                    yield f"event: answer\ndata: {json.dumps(final, ensure_ascii=False)}\n\n"
                else:
                    yield f"event: text\ndata: {json.dumps({'text': piece}, ensure_ascii=False)}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @api.get("/collections", summary="The collections you may read")
    def list_collections(user: User = me) -> list[dict]:
        result = []
        for info in team.visible(user):
            bot = team.assistants.get(info.name)
            result.append({**info.to_json(), "documents": len(bot.documents()), "chunks": bot.collection.count()})
        return result

    @api.post("/collections", status_code=201, summary="Make a collection, private to you")
    def create_collection(request: NewCollection, user: User = me) -> dict:
        from index.store import check_collection_name

        check_collection_name(request.name)
        info = team.access.create(user, request.name, team.existing(), team.limits.collections_per_user)
        team.assistants.get(request.name).collection.vectors  # noqa: B018 - creates it in the vector store
        return info.to_json()

    @api.delete("/collections/{name}", summary="Delete a collection and everything indexed in it")
    def delete_collection(name: str, user: User = me) -> dict:
        bot = team.for_writing(user, name)
        bot.collection.drop()
        team.assistants.forget(name)
        team.access.forget(name)
        audit.event("collection.delete", user=user.name, collection=name)
        return {"deleted": name}

    @api.post("/collections/{name}/share", summary="Share a collection with users (or everyone), or take it back")
    def share(name: str, request: ShareRequest, user: User = me) -> dict:
        team.for_writing(user, name)
        team.access.share(name, request.users, request.everyone, remove=request.remove)
        audit.event("share", user=user.name, collection=name, added=request.users, removed=request.remove,
                    everyone=request.everyone)
        return team.access.check_read(user, name, team.existing()).to_json()

    @api.delete("/collections/{name}/share/{reader}", summary="Stop sharing a collection with one user")
    def unshare(name: str, reader: str, user: User = me) -> dict:
        team.for_writing(user, name)
        team.access.share(name, [], None, remove=[reader])
        audit.event("share", user=user.name, collection=name, removed=[reader])
        return team.access.check_read(user, name, team.existing()).to_json()

    @api.get("/collections/{name}/documents", summary="The documents of a collection")
    def documents(name: str, user: User = me) -> list[dict]:
        return [{"source": s, "chunks": n} for s, n in team.for_reading(user, name).documents()]

    @api.post("/collections/{name}/documents", summary="Upload and index files (the `index --json` report)")
    def upload(name: str, files: list[UploadFile] = File(...), user: User = me) -> dict:
        from assistant.uploads import UploadError, store_upload

        bot = team.for_writing(user, name)
        team.check_upload(user, len(files), sum(upload.size or 0 for upload in files))
        folder = team.upload_folder(name)
        failed, stored = [], []
        with tempfile.TemporaryDirectory() as scratch:
            for upload in files:
                original = Path(upload.filename or "upload").name
                staged = Path(scratch) / "upload"
                with staged.open("wb") as handle:
                    shutil.copyfileobj(upload.file, handle)
                try:
                    stored.append(store_upload(staged, original, folder))
                except UploadError as exc:
                    failed.append({"path": original, "error": str(exc)})
        report = team.index_uploads(bot, stored).to_json() if stored else _empty_report(name)
        report["files"]["failed"] = failed + [_plain_failure(f, folder) for f in report["files"]["failed"]]
        return report

    @api.delete("/collections/{name}/documents/{source:path}", summary="Delete one document")
    def delete_document(name: str, source: str, user: User = me) -> dict:
        from assistant.server.errors import NotFound
        from assistant.uploads import remove_upload

        bot = team.for_writing(user, name)
        if source not in {s for s, _ in bot.documents()}:
            raise NotFound(f"no document {source!r} in {name!r}; GET /v1/collections/{name}/documents lists them")
        chunks = bot.delete([source])
        remove_upload(team.upload_folder(name), source)  # else the next upload's sync would index it again
        audit.event("document.delete", user=user.name, collection=name, document=source)
        return {"deleted": source, "chunks": chunks}

    @api.get("/collections/{name}/documents/{source:path}/view",
             summary="A citation in its document: a PDF page as PNG with the quote highlighted, else HTML with it marked")
    def view_document(name: str, source: str, start: int = Query(0, ge=0), end: int = Query(0, ge=0),
                      page: int | None = Query(None, ge=1), user: User = me) -> Response:
        from assistant import viewer

        shown = viewer.view(team.for_reading(user, name).collection, source, start, max(end, start), page)
        return Response(shown.body, media_type=shown.media_type, headers=shown.headers)

    @api.get("/collections/{name}/documents/{source:path}/file", summary="The original file, for download")
    def document_file(name: str, source: str, user: User = me) -> FileResponse:
        from assistant import viewer

        path = viewer.original(team.for_reading(user, name).collection, source)
        return FileResponse(path, filename=Path(source).name)

    @api.get("/conversations", summary="Your conversations, latest first")
    def conversations(user: User = me) -> list[dict]:
        return team.conversations.list(user)

    @api.get("/conversations/{conversation_id}", summary="A conversation with every answer and its citations")
    def conversation(conversation_id: str, user: User = me) -> dict:
        return team.conversations.get(user, conversation_id)

    @api.patch("/conversations/{conversation_id}", summary="Rename a conversation")
    def rename(conversation_id: str, request: Rename, user: User = me) -> dict:
        team.conversations.rename(user, conversation_id, request.title)
        return team.conversations.get(user, conversation_id)

    @api.delete("/conversations/{conversation_id}", summary="Delete a conversation")
    def delete_conversation(conversation_id: str, user: User = me) -> dict:
        team.conversations.delete(user, conversation_id)
        audit.event("conversation.delete", user=user.name, conversation=conversation_id)
        return {"deleted": conversation_id}

    @api.post("/feedback", status_code=201, summary="Rate an answer (1 or -1), with an optional correction")
    def give_feedback(request: FeedbackRequest, user: User = me) -> dict:
        team.conversations.rate(user, request.conversation_id, request.message_id, request.rating,
                                request.correction)
        return {"conversation_id": request.conversation_id, "message_id": request.message_id,
                "rating": request.rating}

    @api.get("/users", summary="User names (to share with); admins also see who is an admin")
    def list_users(user: User = me) -> list[dict]:
        if user.is_admin:
            return [{"name": u.name, "admin": u.is_admin} for u in team.accounts.list()]
        return [{"name": u.name} for u in team.accounts.list()]

    return api


def _plain_failure(failure: dict, folder: Path) -> dict:
    """A failure as the uploader sees it: the file's name, not the server's path to it."""
    path = Path(failure["path"])
    where = str(path)
    return {"path": path.name, "error": failure["error"].replace(where, path.name).replace(str(folder), "uploads")}


def _empty_report(name: str) -> dict:
    from index.sync import SyncReport

    return SyncReport(collection=name).to_json()
