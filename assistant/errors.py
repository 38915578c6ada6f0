"""Errors raised while answering. Messages name the bad value and the fix."""

from __future__ import annotations


class AssistantError(Exception):
    """Root of every error raised by the ``assistant`` package."""


class ConfigError(AssistantError):
    """A setting is missing or has a value that cannot work."""


class LLMError(AssistantError):
    """The language model backend failed (down, timed out, or answered garbage)."""


class SqlRefused(AssistantError):
    """An LLM's SQL for a table is not one read-only SELECT, or it failed to run."""


class DocumentNotFound(AssistantError):
    """A document (or a span of it) the collection does not hold; nothing is read from a path a caller gives."""


class QuestionError(AssistantError):
    """The question cannot be asked as given (empty, for one)."""


class UnknownCollectionError(AssistantError):
    """A command named a collection that does not exist; nothing was created."""

    def __init__(self, name: str, existing: list[str]):
        self.name = name
        self.existing = existing
        known = f"existing collections: {', '.join(existing)}" if existing else "there are no collections yet"
        super().__init__(f"no collection named {name!r} ({known}); index documents into it first "
                         f"(assistant index PATH --collection {name})")
