"""The collections of a store: what exists, how big, and the check that a named
one exists before anything opens (and so creates) it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from assistant.errors import UnknownCollectionError

if TYPE_CHECKING:
    from assistant.api import Assistant


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    documents: int | None
    """``None`` for a collection on a Chroma server that this machine has not opened yet."""
    chunks: int | None

    def to_json(self) -> dict:
        return asdict(self)


def names(bot: Assistant) -> list[str]:
    """Collection names, without creating an embedded store where there is none."""
    if not bot.settings.chroma_host and not (bot.settings.store / "chroma").exists():
        return []
    return bot.store.collection_names()


def describe(bot: Assistant) -> list[CollectionInfo]:
    from index.catalog import Catalog

    infos = []
    shared = None
    if bot.settings.database_url:
        from assistant.server.database import shared_catalogs

        shared = shared_catalogs(bot.settings.database_url)
    for name in names(bot):
        path = bot.catalog_dir / f"{name}.sqlite3"
        if shared is not None:
            catalog = shared(name)
            infos.append(CollectionInfo(name, catalog.count_documents(), catalog.count_chunks()))
        elif path.exists():
            catalog = Catalog(path)
            infos.append(CollectionInfo(name, catalog.count_documents(), catalog.count_chunks()))
            catalog.close()
        else:
            infos.append(CollectionInfo(name, None, None))
    return infos


def require(bot: Assistant) -> None:
    existing = names(bot)
    if bot.settings.collection not in existing:
        raise UnknownCollectionError(bot.settings.collection, existing)
