"""Who may do what to a collection.

A collection made through the server belongs to the user who made it and is
private to them until shared with named users or with everyone. Owners and
admins upload, delete and share; those it is shared with read and ask. A
collection with no owner (indexed with the command line on the server's own
machine) is the admins'. What a user may not see is "not found" (404), so names
do not leak; what they see but may not change is "forbidden" (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from assistant.server.accounts import LOCAL_ADMIN, User
from assistant.server.database import Database, collections, members, now, users
from assistant.server.errors import AccountError, Conflict, Forbidden, NotFound


@dataclass(frozen=True)
class CollectionAccess:
    name: str
    owner: str | None
    everyone: bool
    shared_with: tuple[str, ...]

    def to_json(self) -> dict:
        return {"name": self.name, "owner": self.owner, "everyone": self.everyone, "shared_with": list(self.shared_with)}


class Access:
    def __init__(self, database: Database):
        self.db = database

    def _owned(self) -> dict[str, CollectionAccess]:
        with self.db.engine.connect() as c:
            rows = c.execute(select(collections.c.name, users.c.name.label("owner"), collections.c.everyone)
                             .select_from(collections.outerjoin(users, collections.c.owner_id == users.c.id))).all()
            shared = c.execute(select(members.c.collection, users.c.name).join(users)).all()
        names: dict[str, list[str]] = {}
        for collection, user in shared:
            names.setdefault(collection, []).append(user)
        return {r.name: CollectionAccess(r.name, r.owner, r.everyone, tuple(sorted(names.get(r.name, ()))))
                for r in rows}

    def visible(self, user: User, existing: list[str]) -> list[CollectionAccess]:
        """The collections of ``existing`` (what the store holds) that ``user`` may read."""
        known = self._owned()
        result = []
        for name in existing:
            info = known.get(name, CollectionAccess(name, None, False, ()))
            if user.is_admin or info.everyone or user.name in info.shared_with or info.owner == user.name:
                result.append(info)
        return result

    def check_read(self, user: User, name: str, existing: list[str]) -> CollectionAccess:
        for info in self.visible(user, existing):
            if info.name == name:
                return info
        raise NotFound(f"no collection named {name!r} that you may see; GET /v1/collections lists yours")

    def check_write(self, user: User, name: str, existing: list[str]) -> CollectionAccess:
        info = self.check_read(user, name, existing)
        if not (user.is_admin or info.owner == user.name):
            raise Forbidden(f"collection {name!r} is shared with you to read and ask; only its owner "
                            f"({info.owner or 'an admin'}) may change it")
        return info

    def owned_by(self, user: User) -> list[str]:
        with self.db.engine.connect() as c:
            return [r[0] for r in c.execute(select(collections.c.name).where(collections.c.owner_id == user.id))]

    def create(self, user: User, name: str, existing: list[str], most: int | None = None) -> CollectionAccess:
        if name in existing or name in self._owned():
            raise Conflict(f"a collection named {name!r} exists already on this server; pick another name")
        if most is not None and not user.is_admin and len(self.owned_by(user)) >= most:
            from assistant.server.errors import LimitError

            raise LimitError(f"you have {most} collections, the most one user may make here; delete one, or ask "
                             "an admin to raise ASSISTANT_MAX_COLLECTIONS_PER_USER", status=429)
        owner = None if user is LOCAL_ADMIN else user.id
        with self.db.engine.begin() as c:
            c.execute(insert(collections).values(name=name, owner_id=owner, everyone=False, created_at=now()))
        return CollectionAccess(name, None if owner is None else user.name, False, ())

    def forget(self, name: str) -> None:
        with self.db.engine.begin() as c:
            c.execute(delete(collections).where(collections.c.name == name))

    def share(self, name: str, user_names: list[str], everyone: bool | None = None,
              remove: list[str] = (), exactly: bool = False) -> None:
        """Add ``user_names`` to the collection's readers and take ``remove`` off them
        (``exactly``: the readers become ``user_names``, no one else); ``everyone``
        true or false opens or closes it to every user, ``None`` leaves that as it is."""
        with self.db.engine.begin() as c:
            if c.execute(select(collections.c.name).where(collections.c.name == name)).first() is None:
                c.execute(insert(collections).values(name=name, owner_id=None, everyone=False, created_at=now()))
            named = set(user_names) | set(remove)
            ids = dict(c.execute(select(users.c.name, users.c.id).where(users.c.name.in_(named))).all())
            unknown = sorted(named - set(ids))
            if unknown:
                raise AccountError(f"no user named {', '.join(map(repr, unknown))}; check the names "
                                   "(GET /v1/users lists them)")
            present = {r[0] for r in c.execute(select(members.c.user_id).where(members.c.collection == name))}
            wanted = {ids[n] for n in user_names}
            gone = (present - wanted) if exactly else {ids[n] for n in remove}
            if gone:
                c.execute(delete(members).where(members.c.collection == name, members.c.user_id.in_(gone)))
            fresh = [{"collection": name, "user_id": i} for i in wanted if i not in present]
            if fresh:
                c.execute(insert(members), fresh)
            if everyone is not None:
                c.execute(collections.update().where(collections.c.name == name).values(everyone=everyone))
