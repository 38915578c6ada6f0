"""Errors of the team server: accounts, access and the application database.
Messages name the bad value and the fix; the HTTP layer maps them to status codes."""

from __future__ import annotations

from assistant.errors import AssistantError


class ServerError(AssistantError):
    """Root of the server package's errors."""


class DatabaseError(ServerError):
    """The application database cannot be opened or migrated."""


class AccountError(ServerError):
    """A user or token that does not exist, a name taken, a password that will not do."""


class Forbidden(ServerError):
    """The user may see the thing but not do this to it (HTTP 403)."""


class NotFound(ServerError):
    """No such thing, or none the user may see (HTTP 404: the two are not told apart)."""


class Conflict(ServerError):
    """The name is taken (HTTP 409)."""


class LimitError(ServerError):
    """A request went over one of the server's limits; ``status`` is its HTTP status
    (413 too large, 429 too many, 400 otherwise) and ``retry_after`` the seconds to wait."""

    def __init__(self, message: str, status: int = 413, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
