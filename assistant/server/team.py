"""What the server's routes share: the collections' assistants, the application
database's accounts, access rules and conversations, and the check of who is
asking. Every route reads and changes collections through ``for_reading`` and
``for_writing``, so no route can skip the access check."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from fastapi import Request

from assistant.server import audit
from assistant.server.access import Access
from assistant.server.accounts import LOCAL_ADMIN, Accounts, User
from assistant.server.conversations import Conversations
from assistant.server.database import Database, database_url, open_database
from assistant.server.errors import LimitError
from assistant.server.limits import ServerLimits


class Unauthorized(Exception):
    """No valid credentials (HTTP 401)."""


class Team:
    def __init__(self, assistants, default_collection: str = "default", database: str | None = None,
                 api_key: str | None = None, limits: ServerLimits | None = None):
        self.assistants = assistants
        self.default = default_collection
        self.database = open_database(database) if database else Database(database_url(None, self.store_folder))
        self.api_key = api_key
        self.limits = limits or ServerLimits()

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
        user = self.user_for_token(token)
        if user is None:
            audit.event("token.refused", path=request.url.path,
                        address=request.client.host if request.client else "?")
            raise Unauthorized
        return user

    def user_for_token(self, token: str) -> User | None:
        if self.accounts.any():
            return self.accounts.by_token(token) if token else None
        if self.api_key is not None and not secrets.compare_digest(token.encode(), self.api_key.encode()):
            return None
        return LOCAL_ADMIN

    def authorization_ok(self, header: str) -> bool:
        """Whether an ``Authorization`` header would pass (checked before a body is read)."""
        scheme, _, token = header.partition(" ")
        return self.user_for_token(token.strip() if scheme.lower() == "bearer" else "") is not None

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

    def upload_folder(self, collection: str) -> Path:
        return self.store_folder / "uploads" / collection

    def check_upload(self, user: User, count: int, size: int) -> None:
        """Refuse an upload of ``count`` files, ``size`` bytes, over the limits (``LimitError``)."""
        most = self.limits.files_per_upload
        if count > most:
            raise LimitError(f"{count} files in one upload; send at most {most} at a time "
                             "(ASSISTANT_MAX_FILES_PER_UPLOAD raises the limit)", status=413)
        if user.is_admin:
            return
        held = sum(f.stat().st_size for name in self.access.owned_by(user)
                   if (folder := self.upload_folder(name)).is_dir() for f in folder.iterdir() if f.is_file())
        quota = self.limits.upload_mb_per_user * 2**20
        if held + size > quota:
            raise LimitError(f"this upload would bring your collections to {(held + size) / 2**20:.0f} MB, over the "
                             f"{quota / 2**20:.0f} MB one user may keep here; delete documents first, or ask an admin "
                             "to raise ASSISTANT_MAX_UPLOAD_MB_PER_USER", status=413)

    def index_uploads(self, bot, stored: list[Path]):
        """Index files just uploaded (not their folder: a document deleted through another
        replica must not come back from this replica's copy). An upload replaces a document
        of the same name, whichever replica it came through. A file that fails to index
        is removed again, so nothing unlisted stays in the upload folder."""
        catalog = bot.collection.catalog
        elsewhere = [p.name for p in stored if catalog.owners([p.name]).get(p.name) not in (None, str(p.resolve()))]
        if elsewhere:
            bot.delete(elsewhere)
        from assistant.uploads import drop_unindexed

        report = bot.index(stored)
        drop_unindexed(bot, stored)
        return report
