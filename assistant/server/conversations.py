"""Conversations that persist: every question with its answer exactly as it was
given (the ``ask --json`` object, citations included), and feedback on answers."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, insert, select, update

from assistant.server.accounts import User
from assistant.server.database import Database, conversations, feedback, messages, now
from assistant.server.errors import AccountError, NotFound

TITLE_CHARS = 80


def _owner(user: User) -> int | None:
    return user.id or None  # the local admin (no accounts) owns conversations as "nobody"


class Conversations:
    def __init__(self, database: Database):
        self.db = database

    def _check(self, c, user: User, conversation_id: str) -> dict:
        row = c.execute(select(conversations).where(conversations.c.id == conversation_id)).mappings().first()
        if row is None or (row["user_id"] != _owner(user) and not user.is_admin):
            raise NotFound(f"no conversation {conversation_id!r} of yours; GET /v1/conversations lists them")
        return dict(row)

    def start(self, user: User, collection: str, question: str) -> str:
        conversation_id = uuid.uuid4().hex
        title = " ".join(question.split())[:TITLE_CHARS]
        with self.db.engine.begin() as c:
            c.execute(insert(conversations).values(id=conversation_id, user_id=_owner(user), collection=collection,
                                                   title=title, created_at=now(), updated_at=now()))
        return conversation_id

    def get(self, user: User, conversation_id: str) -> dict:
        with self.db.engine.connect() as c:
            info = self._check(c, user, conversation_id)
            rows = c.execute(select(messages.c.id, messages.c.question, messages.c.answer, messages.c.created_at)
                             .where(messages.c.conversation_id == conversation_id).order_by(messages.c.id)).all()
        return {**_public(info), "messages": [
            {"id": r.id, "question": r.question, "answer": r.answer, "created_at": r.created_at.isoformat()}
            for r in rows]}

    def turns(self, user: User, conversation_id: str) -> list[dict]:
        """The questions and answers so far, as turns: the history of the next follow-up."""
        from assistant.types import Answer

        turns = []
        for m in self.get(user, conversation_id)["messages"]:
            turns += [{"role": "user", "content": m["question"]}, Answer.model_validate(m["answer"]).as_turn()]
        return turns

    def add(self, user: User, conversation_id: str, question: str, answer: dict) -> int:
        with self.db.engine.begin() as c:
            self._check(c, user, conversation_id)
            message_id = c.execute(insert(messages).values(conversation_id=conversation_id, question=question,
                                                           answer=answer, created_at=now())
                                   .returning(messages.c.id)).scalar_one()
            c.execute(update(conversations).where(conversations.c.id == conversation_id).values(updated_at=now()))
        return message_id

    def list(self, user: User) -> list[dict]:
        counts = (select(messages.c.conversation_id, func.count().label("n")).group_by(messages.c.conversation_id)
                  .subquery())
        query = (select(conversations, func.coalesce(counts.c.n, 0).label("messages"))
                 .outerjoin(counts, counts.c.conversation_id == conversations.c.id)
                 .where(conversations.c.user_id.is_(_owner(user)) if _owner(user) is None
                        else conversations.c.user_id == _owner(user))
                 .order_by(conversations.c.updated_at.desc()))
        with self.db.engine.connect() as c:
            return [{**_public(dict(r)), "messages": r["messages"]} for r in c.execute(query).mappings()]

    def rename(self, user: User, conversation_id: str, title: str) -> None:
        with self.db.engine.begin() as c:
            self._check(c, user, conversation_id)
            c.execute(update(conversations).where(conversations.c.id == conversation_id)
                      .values(title=" ".join(title.split())[:TITLE_CHARS] or "untitled"))

    def delete(self, user: User, conversation_id: str) -> None:
        with self.db.engine.begin() as c:
            self._check(c, user, conversation_id)
            c.execute(delete(conversations).where(conversations.c.id == conversation_id))

    def rate(self, user: User, conversation_id: str, message_id: int, rating: int, correction: str | None) -> None:
        if rating not in (1, -1):
            raise AccountError(f"rating {rating!r} is not 1 (helpful) or -1 (wrong)")
        with self.db.engine.begin() as c:
            self._check(c, user, conversation_id)
            found = c.execute(select(messages.c.id).where(messages.c.id == message_id,
                                                          messages.c.conversation_id == conversation_id)).first()
            if found is None:
                raise NotFound(f"no message {message_id} in conversation {conversation_id!r}")
            c.execute(delete(feedback).where(feedback.c.message_id == message_id,
                                             feedback.c.user_id.is_(_owner(user)) if _owner(user) is None
                                             else feedback.c.user_id == _owner(user)))
            c.execute(insert(feedback).values(message_id=message_id, user_id=_owner(user), rating=rating,
                                              correction=(correction or "").strip() or None, created_at=now()))

    def feedback_for(self, collection: str) -> list[dict]:
        """Every rated answer of a collection: question, history, answer, rating, correction."""
        query = (select(messages.c.id, messages.c.conversation_id, messages.c.question, messages.c.answer,
                        feedback.c.rating, feedback.c.correction)
                 .join(feedback, feedback.c.message_id == messages.c.id)
                 .join(conversations, conversations.c.id == messages.c.conversation_id)
                 .where(conversations.c.collection == collection).order_by(messages.c.id))
        with self.db.engine.connect() as c:
            rows = c.execute(query).mappings().all()
            earlier = {}
            for row in rows:
                earlier[row["id"]] = [q for (q,) in c.execute(
                    select(messages.c.question).where(messages.c.conversation_id == row["conversation_id"],
                                                      messages.c.id < row["id"]).order_by(messages.c.id))]
        return [{**dict(r), "history": earlier[r["id"]]} for r in rows]


def stored_answer(answer) -> dict:
    """What a conversation keeps of an answer: the ``ask --json`` object and the passages
    its citations quote, so a reopened answer shows its sources as they were."""
    cited = [p for p in answer.passages
             if any(c.source == p.source and p.start <= c.start and c.end <= p.end for c in answer.citations)]
    return {**answer.to_json(), "passages": [p.model_dump() for p in cited]}


def _public(row: dict) -> dict:
    return {"id": row["id"], "collection": row["collection"], "title": row["title"],
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}
