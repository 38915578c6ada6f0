"""Answerers by name: ``reader`` (the offline default: a trained reader model),
``extractive`` (the sentence answerer it replaced, kept as the baseline) and LLM backends.

Each backend is one module with a factory registered here; factories receive the
assistant's collection and the backend's own options.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from assistant.answerers.base import Answerer, decline_message
from assistant.errors import ConfigError

_REGISTRY: dict[str, Callable[..., Answerer]] = {}


def register(name: str, factory: Callable[..., Answerer]) -> None:
    _REGISTRY[name] = factory


def _lazy(module: str, make: Callable[[object], Callable[..., Answerer]]) -> Callable[..., Answerer]:
    """A factory that imports its module on first use: asking with one answerer never
    pays for the others' imports (torch for the reader, httpx for the LLMs)."""

    def factory(collection, **options) -> Answerer:
        return make(importlib.import_module(module))(collection, **options)

    return factory


def _builtins() -> None:
    if "reader" in _REGISTRY:
        return
    register("reader", _lazy("assistant.answerers.reader", lambda m: m.create))
    register("extractive", _lazy("assistant.answerers.extractive", lambda m: m.create))
    for backend in ("openai", "ollama", "llamacpp"):
        register(backend, _lazy("assistant.answerers.generative", lambda m, b=backend: m.factory(b)))


def names() -> list[str]:
    _builtins()
    return sorted(_REGISTRY)


def check(name: str) -> None:
    """Raise ``ConfigError`` naming the choices unless ``name`` is a registered answerer."""
    _builtins()
    if name not in _REGISTRY:
        raise ConfigError(f"unknown answerer {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}")


def create(name: str, collection, **options) -> Answerer:
    check(name)
    return _REGISTRY[name](collection, **options)


__all__ = ["Answerer", "check", "create", "decline_message", "names", "register"]
