"""Language model backends by name: ``openai`` (any OpenAI-compatible server),
``ollama`` and ``llamacpp`` (a local GGUF file)."""

from __future__ import annotations

from assistant.errors import ConfigError
from assistant.llms.base import LLM


def create(name: str, **options) -> LLM:
    if name == "openai":
        from assistant.llms.openai import OpenAICompatible

        return OpenAICompatible(**options)
    if name == "ollama":
        from assistant.llms.ollama import Ollama

        return Ollama(**options)
    if name == "llamacpp":
        from assistant.llms.llamacpp import LlamaCpp

        return LlamaCpp(**options)
    raise ConfigError(f"unknown LLM backend {name!r}; choose openai, ollama or llamacpp")


NAMES = ("openai", "ollama", "llamacpp")
__all__ = ["LLM", "NAMES", "create"]
