"""Users, passwords (argon2) and API tokens.

A token is shown once, when it is made; the database keeps only its SHA-256, so a
copy of the database does not let anyone in. Revoking ends every token of a user.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update

from assistant.server.database import Database, now, tokens, users
from assistant.server.errors import AccountError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
TOKEN_PREFIX = "asst_"


@dataclass(frozen=True)
class User:
    id: int
    name: str
    is_admin: bool


LOCAL_ADMIN = User(id=0, name="local", is_admin=True)
"""Who asks when the server has no accounts: it listens on loopback only, for the machine's own user."""


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, database: Database):
        self.db = database

    def any(self) -> bool:
        with self.db.engine.connect() as c:
            return c.execute(select(func.count()).select_from(users)).scalar_one() > 0

    def add(self, name: str, password: str, admin: bool = False) -> User:
        if not NAME.match(name):
            raise AccountError(f"user name {name!r} is not valid; use letters, digits, '.', '_', '@' or '-' "
                               "(at most 64, starting with a letter or digit)")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password for {name!r} is too short; use at least {MIN_PASSWORD} characters")
        with self.db.engine.begin() as c:
            if c.execute(select(users.c.id).where(users.c.name == name)).first():
                raise AccountError(f"user {name!r} exists already; pick another name")
            row = c.execute(insert(users).values(name=name, password_hash=_hasher().hash(password), is_admin=admin,
                                                 created_at=now()).returning(users.c.id)).scalar_one()
        return User(row, name, admin)

    def get(self, name: str) -> User:
        with self.db.engine.connect() as c:
            row = c.execute(select(users.c.id, users.c.name, users.c.is_admin).where(users.c.name == name)).first()
        if row is None:
            raise AccountError(f"no user named {name!r}; add one with: assistant users add {name}")
        return User(*row)

    def list(self) -> list[User]:
        with self.db.engine.connect() as c:
            return [User(*r) for r in c.execute(select(users.c.id, users.c.name, users.c.is_admin)
                                                .order_by(users.c.name))]

    def login(self, name: str, password: str) -> User | None:
        """The user when the password is right, else ``None`` (the same for an unknown name)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self.db.engine.connect() as c:
            row = c.execute(select(users.c.id, users.c.name, users.c.is_admin, users.c.password_hash)
                            .where(users.c.name == name)).first()
        try:
            if row is not None and _hasher().verify(row.password_hash, password):
                return User(row.id, row.name, row.is_admin)
        except (VerificationError, InvalidHashError):
            pass
        return None

    def new_token(self, name: str) -> str:
        user = self.get(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.engine.begin() as c:
            c.execute(insert(tokens).values(user_id=user.id, token_hash=_token_hash(token), created_at=now()))
        return token

    def revoke(self, name: str) -> int:
        """End every token of the user; returns how many were live."""
        user = self.get(name)
        with self.db.engine.begin() as c:
            return c.execute(update(tokens).where(tokens.c.user_id == user.id, tokens.c.revoked_at.is_(None))
                             .values(revoked_at=now())).rowcount

    def by_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        with self.db.engine.connect() as c:
            row = c.execute(select(users.c.id, users.c.name, users.c.is_admin).join(tokens)
                            .where(tokens.c.token_hash == _token_hash(token), tokens.c.revoked_at.is_(None))).first()
        return User(*row) if row else None
