"""What the server's routes share: the collections' assistants, the application
database's accounts, access rules and conversations, and the check of who is
asking. Every route reads and changes collections through ``for_reading`` and
``for_writing``, so no route can skip the access check."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from fastapi import Request

from assistant.server.access import Access
from assistant.server.accounts import LOCAL_ADMIN, Accounts, User
from assistant.server.conversations import Conversations
from assistant.server.database import Database, database_url, open_database


class Unauthorized(Exception):
    """No valid credentials (HTTP 401)."""


class Team:
    def __init__(self, assistants, default_collection: str = "default", database: str | None = None,
                 api_key: str | None = None):
        self.assistants = assistants
        self.default = default_collection
        self.database = open_database(database) if database else Database(database_url(None, self.store_folder))
        self.api_key = api_key

    @property
    def store_folder(self) -> Path:
        return self.assistants.get(self.default).settings.store

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.database)

    @cached_property
    def access(self) -> Access:
        return Access(self.database)

    @cached_property
    def conversations(self) -> Conversations:
        return Conversations(self.database)

    # -- who asks ---------------------------------------------------------------------------

    def authenticate(self, request: Request) -> User:
        """The FastAPI dependency of every route: with accounts, a live token is required;
        without, the server's API key when one is set, else the local admin."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
        if self.accounts.any():
            user = self.accounts.by_token(token) if token else None
            if user is None:
                raise Unauthorized
            return user
        if self.api_key is not None and not secrets.compare_digest(token.encode(), self.api_key.encode()):
            raise Unauthorized
        return LOCAL_ADMIN

    # -- collections, checked ---------------------------------------------------------------

    def existing(self) -> list[str]:
        return sorted(self.assistants.get(self.default).store.collection_names())

    def visible(self, user: User):
        return self.access.visible(user, self.existing())

    def visible_names(self, user: User) -> list[str]:
        return [info.name for info in self.visible(user)]

    def for_reading(self, user: User, name: str):
        self.access.check_read(user, name, self.existing())
        return self.assistants.get(name)

    def for_writing(self, user: User, name: str):
        self.access.check_write(user, name, self.existing())
        return self.assistants.get(name)

    def index_uploads(self, bot, stored: list[Path]):
        """Index files just uploaded (not their folder: a document deleted through another
        replica must not come back from this replica's copy). An upload replaces a document
        of the same name, whichever replica it came through."""
        catalog = bot.collection.catalog
        elsewhere = [p.name for p in stored if catalog.owners([p.name]).get(p.name) not in (None, str(p.resolve()))]
        if elsewhere:
            bot.delete(elsewhere)
        return bot.index(stored)
