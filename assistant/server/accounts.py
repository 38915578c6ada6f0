"""Users, passwords (argon2) and API tokens.

A token is shown once, when it is made; the database keeps only its SHA-256, so a
copy of the database does not let anyone in. Revoking ends every token of a user;
a password change, a disable or a delete also ends their web sessions at once.
A login for an unknown name costs what one for a known name costs, so timing does
not tell which names exist.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from datetime import datetime
from functools import lru_cache

from sqlalchemy import delete, func, insert, select, update

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


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """A hash no password matches in practice, verified for unknown names."""
    return _hasher().hash(secrets.token_urlsafe(32))


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    from datetime import timezone

    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


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
        _check_password(name, password)
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
        """The user when the password is right and the account enabled, else ``None``
        (after the same work for an unknown name)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self.db.engine.connect() as c:
            row = c.execute(select(users.c.id, users.c.name, users.c.is_admin, users.c.password_hash,
                                   users.c.disabled_at).where(users.c.name == name)).first()
        try:
            right = _hasher().verify(row.password_hash if row is not None else _decoy_hash(), password)
        except (VerificationError, InvalidHashError):
            right = False
        if right and row is not None and row.disabled_at is None:
            return User(row.id, row.name, row.is_admin)
        return None

    def session_valid(self, name: str, started: datetime) -> bool:
        """Whether a web session of ``name`` that began at ``started`` may go on: the
        account exists, is enabled, and its password was not changed since."""
        with self.db.engine.connect() as c:
            row = c.execute(select(users.c.disabled_at, users.c.sessions_after).where(users.c.name == name)).first()
        if row is None or row.disabled_at is not None:
            return False
        after = _aware(row.sessions_after)
        return after is None or started >= after

    def set_password(self, name: str, password: str) -> None:
        """A new password; every web session and token of the user ends."""
        _check_password(name, password)
        self._change(name, password_hash=_hasher().hash(password))

    def disable(self, name: str) -> None:
        """The user can no longer log in; their sessions and tokens end at once."""
        self._change(name, disabled_at=now())

    def enable(self, name: str) -> None:
        self._change(name, disabled_at=None)

    def remove(self, name: str) -> None:
        """Delete the user with their tokens, conversations and shares; collections they
        owned pass to the admins."""
        user = self.get(name)
        with self.db.engine.begin() as c:
            c.execute(delete(users).where(users.c.id == user.id))

    def _change(self, name: str, **values) -> None:
        user = self.get(name)
        with self.db.engine.begin() as c:
            c.execute(update(users).where(users.c.id == user.id).values(sessions_after=now(), **values))
            c.execute(update(tokens).where(tokens.c.user_id == user.id, tokens.c.revoked_at.is_(None))
                      .values(revoked_at=now()))

    def new_token(self, name: str) -> str:
        user = self.get(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.engine.begin() as c:
            c.execute(insert(tokens).values(user_id=user.id, token_hash=_token_hash(token), created_at=now()))
        return token

    def revoke(self, name: str) -> int:
        """End every token and web session of the user; returns how many tokens were live."""
        user = self.get(name)
        with self.db.engine.begin() as c:
            c.execute(update(users).where(users.c.id == user.id).values(sessions_after=now()))
            return c.execute(update(tokens).where(tokens.c.user_id == user.id, tokens.c.revoked_at.is_(None))
                             .values(revoked_at=now())).rowcount

    def by_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        with self.db.engine.connect() as c:
            row = c.execute(select(users.c.id, users.c.name, users.c.is_admin).join(tokens)
                            .where(tokens.c.token_hash == _token_hash(token), tokens.c.revoked_at.is_(None),
                                   users.c.disabled_at.is_(None))).first()
        return User(*row) if row else None


def _check_password(name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password for {name!r} is too short; use at least {MIN_PASSWORD} characters")
