"""Embedders by name. Constructors are cheap; models load on first use.

Add a backend by writing a module with a class that follows ``Embedder`` and
calling ``register`` (tests register deterministic fakes the same way).
"""

from __future__ import annotations

from collections.abc import Callable

from index.embedders.base import Embedder
from index.errors import IndexingError

_REGISTRY: dict[str, Callable[..., Embedder]] = {}


def register(name: str, factory: Callable[..., Embedder]) -> None:
    _REGISTRY[name] = factory


def names() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def get(name: str, **options) -> Embedder:
    _load_builtins()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise IndexingError(f"unknown embedder {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}") from None
    return factory(**options)


def _load_builtins() -> None:
    if "minilm" not in _REGISTRY:
        from index.embedders.minilm import MiniLMEmbedder

        register("minilm", MiniLMEmbedder)


__all__ = ["Embedder", "get", "names", "register"]
