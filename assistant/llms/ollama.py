"""An Ollama server (``/api/generate``, streamed as JSON lines)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from assistant.errors import ConfigError, LLMError


class Ollama:
    name = "ollama"

    def __init__(self, base_url: str | None = None, model: str | None = None, timeout: float = 120.0, **_):
        self.base_url = (base_url or os.environ.get("OLLAMA_HOST") or "http://127.0.0.1:11434").rstrip("/")
        self.model = model or os.environ.get("ASSISTANT_LLM_MODEL")
        if not self.model:
            raise ConfigError("the ollama backend needs a model name: --llm-model NAME (e.g. llama3.2)")
        self.timeout = timeout

    def generate(self, prompt: str, max_tokens: int = 256) -> Iterator[str]:
        import httpx

        body = {"model": self.model, "prompt": prompt, "stream": True,
                "options": {"num_predict": max_tokens, "temperature": 0}}
        try:
            with httpx.stream("POST", f"{self.base_url}/api/generate", json=body,
                              timeout=httpx.Timeout(self.timeout, connect=5.0)) as response:
                if response.status_code != 200:
                    response.read()
                    raise LLMError(f"Ollama at {self.base_url} answered HTTP {response.status_code}: {response.text[:200]}")
                for line in response.iter_lines():
                    if not line.strip():
                        continue
                    try:
                        event = json.loads(line)
                    except json.JSONDecodeError:
                        raise LLMError(f"Ollama sent a malformed line: {line[:120]!r}") from None
                    if event.get("error"):
                        raise LLMError(f"Ollama: {event['error']}")
                    if event.get("response"):
                        yield event["response"]
        except httpx.TimeoutException as exc:
            raise LLMError(f"Ollama at {self.base_url} did not answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"cannot reach Ollama at {self.base_url} ({type(exc).__name__}); is `ollama serve` running?") from exc
