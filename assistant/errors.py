"""Errors raised while answering. Messages name the bad value and the fix."""

from __future__ import annotations


class AssistantError(Exception):
    """Root of every error raised by the ``assistant`` package."""


class ConfigError(AssistantError):
    """A setting is missing or has a value that cannot work."""


class LLMError(AssistantError):
    """The language model backend failed (down, timed out, or answered garbage)."""
