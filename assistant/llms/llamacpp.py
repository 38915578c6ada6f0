"""A local GGUF model through llama-cpp-python (the optional ``llamacpp`` extra)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from assistant.errors import ConfigError, LLMError


class LlamaCpp:
    name = "llamacpp"

    def __init__(self, model: str | None = None, context_tokens: int = 4096, threads: int | None = None, **_):
        if not model:
            raise ConfigError("the llamacpp backend needs a GGUF file: --llm-model PATH.gguf")
        self.path = Path(model).expanduser()
        if not self.path.is_file():
            raise ConfigError(f"{self.path}: no such GGUF file; give the path of a downloaded .gguf model")
        self.context_tokens = context_tokens
        self.threads = threads
        self._lock = threading.Lock()

    @cached_property
    def model(self):
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError("llama-cpp-python is not installed: pip install 'doc-assistant[llamacpp]'") from exc
        try:
            return Llama(model_path=str(self.path), n_ctx=self.context_tokens, n_threads=self.threads, verbose=False)
        except ValueError as exc:
            raise LLMError(f"{self.path}: llama.cpp cannot load this model ({exc})") from exc

    def generate(self, prompt: str, max_tokens: int = 256) -> Iterator[str]:
        with self._lock:
            for event in self.model.create_completion(prompt, max_tokens=max_tokens, temperature=0.0, stream=True):
                piece = event["choices"][0].get("text") or ""
                if piece:
                    yield piece
