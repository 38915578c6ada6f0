"""Answerers by name: ``extractive`` (offline default) and LLM backends.

Each backend is one module with a factory registered here; factories receive the
assistant's collection and the backend's own options.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.answerers.base import Answerer, decline_message
from assistant.errors import ConfigError

_REGISTRY: dict[str, Callable[..., Answerer]] = {}


def register(name: str, factory: Callable[..., Answerer]) -> None:
    _REGISTRY[name] = factory


def _builtins() -> None:
    if "extractive" in _REGISTRY:
        return
    from assistant.answerers import extractive, generative

    register("extractive", extractive.create)
    for backend in ("openai", "ollama", "llamacpp"):
        register(backend, generative.factory(backend))


def names() -> list[str]:
    _builtins()
    return sorted(_REGISTRY)


def create(name: str, collection, **options) -> Answerer:
    _builtins()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown answerer {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}") from None
    return factory(collection, **options)


__all__ = ["Answerer", "create", "decline_message", "names", "register"]
