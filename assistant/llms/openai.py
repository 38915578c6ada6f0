"""Any OpenAI-compatible chat completions server: OpenAI, vLLM, llama.cpp's
server, LM Studio. The API key comes from an environment variable and never
appears in logs or errors."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from assistant.errors import ConfigError, LLMError


class OpenAICompatible:
    name = "openai"

    def __init__(self, base_url: str | None = None, model: str | None = None, api_key_env: str = "OPENAI_API_KEY",
                 timeout: float = 60.0, temperature: float = 0.0):
        # As the OpenAI SDK does: OPENAI_BASE_URL and OPENAI_API_KEY, flags and ASSISTANT_* first.
        self.base_url = (base_url or os.environ.get("ASSISTANT_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
                         or "https://api.openai.com/v1").rstrip("/")
        self.model = model or os.environ.get("ASSISTANT_LLM_MODEL")
        if not self.model:
            raise ConfigError("the openai backend needs a model name: --llm-model NAME or ASSISTANT_LLM_MODEL")
        self._api_key = os.environ.get(api_key_env, "")
        self.timeout = timeout
        self.temperature = temperature

    def __repr__(self) -> str:
        return f"OpenAICompatible(base_url={self.base_url!r}, model={self.model!r})"

    def generate(self, prompt: str, max_tokens: int = 256) -> Iterator[str]:
        import httpx

        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        body = {"model": self.model, "messages": [{"role": "user", "content": prompt}], "stream": True,
                "max_tokens": max_tokens, "temperature": self.temperature}
        url = f"{self.base_url}/chat/completions"
        try:
            with httpx.stream("POST", url, json=body, headers=headers,
                              timeout=httpx.Timeout(self.timeout, connect=5.0)) as response:
                if response.status_code != 200:
                    response.read()
                    raise LLMError(f"the LLM server at {self.base_url} answered HTTP {response.status_code}: "
                                   f"{_redact(response.text[:200], self._api_key)}")
                for line in response.iter_lines():
                    piece = _delta(line)
                    if piece:
                        yield piece
        except httpx.TimeoutException as exc:
            raise LLMError(f"the LLM server at {self.base_url} did not answer within {self.timeout:g} s; "
                           "check it is running or raise the timeout") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"cannot reach the LLM server at {self.base_url} ({type(exc).__name__}); "
                           "check --llm-base-url and that the server is running") from exc


def _delta(line: str) -> str:
    if not line.startswith("data:"):
        return ""
    data = line[5:].strip()
    if data == "[DONE]":
        return ""
    try:
        choice = json.loads(data)["choices"][0]
    except (json.JSONDecodeError, KeyError, IndexError, TypeError):
        raise LLMError(f"the LLM server sent a malformed stream event: {data[:120]!r}") from None
    return (choice.get("delta") or {}).get("content") or choice.get("text") or ""


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text
