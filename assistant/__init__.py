"""A question-answering assistant over your own documents, with citations.

Names load on first use, so ``assistant --help`` starts without the index and its models.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "Assistant": "assistant.api",
    "AssistantError": "assistant.errors",
    "Settings": "assistant.settings",
    "Answer": "assistant.types",
    "Citation": "assistant.types",
    "Passage": "assistant.types",
    "sample_corpus": "assistant.sample",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
