"""The application database: accounts, who owns and shares each collection,
conversations with every answer as it was given, and feedback on answers.

SQLite in the store folder by default (``STORE/app.sqlite3``: embedded, nothing
to set up); PostgreSQL for a team (``--database postgresql://...`` or
``$ASSISTANT_DATABASE_URL``). The schema comes from Alembic migrations
(``assistant/server/migrations``), applied on open, so an existing database
upgrades in place. Chroma keeps the vectors; this holds everything else a shared
server needs.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from functools import cached_property, lru_cache
from pathlib import Path

from sqlalchemy import (JSON, Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event)
from sqlalchemy.engine import Engine

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    Column("sessions_after", DateTime(timezone=True)),  # web sessions started before this are void
)
tokens = Table(
    "tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)
collections = Table(
    "collections", metadata,
    Column("name", String(512), primary_key=True),
    Column("owner_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("everyone", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
members = Table(
    "collection_members", metadata,
    Column("collection", String(512), ForeignKey("collections.name", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
conversations = Table(
    "conversations", metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True),
    Column("collection", String(512), nullable=False),
    Column("title", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
messages = Table(
    "messages", metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("question", Text, nullable=False),
    Column("answer", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE")),
    Column("rating", Integer, nullable=False),
    Column("correction", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("message_id", "user_id", name="one_rating_per_user"),
)

MIGRATIONS = Path(__file__).parent / "migrations"


def now() -> datetime:
    return datetime.now(timezone.utc)


def database_url(url: str | None, store: Path) -> str:
    """``url``, else ``$ASSISTANT_DATABASE_URL``, else SQLite in the store folder."""
    url = url or os.environ.get("ASSISTANT_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    store.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{store / 'app.sqlite3'}"


class Database:
    """Opens (and migrates) the database on first use."""

    def __init__(self, url: str):
        self.url = url

    @cached_property
    def engine(self) -> Engine:
        from assistant.server.errors import DatabaseError

        sqlite = self.url.startswith("sqlite")
        try:
            engine = create_engine(self.url, pool_pre_ping=not sqlite,
                                   connect_args={"check_same_thread": False, "timeout": 30} if sqlite else {})
        except ImportError as exc:
            raise DatabaseError(f"no driver for {self.url.split(':', 1)[0]} ({exc}); "
                                "pip install 'doc-assistant[server]'") from exc
        if sqlite:
            event.listen(engine, "connect", _sqlite_pragmas)
        self._migrate(engine)
        if sqlite and engine.url.database:
            for path in Path(engine.url.database).parent.glob(Path(engine.url.database).name + "*"):
                path.chmod(0o600)  # accounts and conversations: the server's user only
        return engine

    def _migrate(self, engine: Engine) -> None:
        from alembic import command
        from alembic.config import Config
        from sqlalchemy.exc import OperationalError

        from assistant.server.errors import DatabaseError

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise DatabaseError(f"cannot open the database {_redacted(self.url)} ({exc.orig}); check the URL, "
                                "that the server runs and that the user may connect") from exc


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{tail}"


@lru_cache(maxsize=4)
def open_database(url: str) -> Database:
    """One ``Database`` (one connection pool) per URL in a process."""
    return Database(database_url(url, Path(".")))


def shared_catalogs(url: str):
    """``name -> SqlCatalog`` in the database at ``url``: the catalog every server shares."""
    from assistant.errors import ConfigError
    from index.sql_catalog import SqlCatalog

    if not url.startswith("postgresql"):
        raise ConfigError(f"a shared catalog needs PostgreSQL, not {url.split(':', 1)[0]}; give a "
                          "postgresql://USER@HOST/DB URL, or leave the catalog in the store folder")
    database = open_database(url)
    return lambda name: SqlCatalog(database.engine, name)
