"""A generator on any OpenAI-compatible chat completions server (vLLM, llama.cpp server, Ollama...)."""

from __future__ import annotations

import time
from typing import Any

import httpx

from models.base import GenerationTimeout, ModelUnavailable


class OpenAIGenerator:
    """POSTs to ``{base_url}/v1/chat/completions``; a base URL that already ends in /v1 is used as is."""

    def __init__(self, base_url: str, *, model: str = "default", api_key: str | None = None) -> None:
        base = base_url.rstrip("/")
        self.url = f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # One pooled client per generator; httpx.Client is thread-safe.
        self._client = httpx.Client(headers=headers, trust_env=False)
        self.name = f"openai:{model}@{base}"

    def generate(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_new_tokens: int = 256,
        timeout_s: float = 10.0,
        temperature: float = 0.0,
    ) -> str:
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_new_tokens,
            "temperature": temperature,
            "stream": False,
        }
        start = time.monotonic()
        try:
            response = self._client.post(self.url, json=body, timeout=httpx.Timeout(max(timeout_s, 1e-3)))
        except httpx.TimeoutException as error:
            raise GenerationTimeout(f"{self.name}: no answer within {timeout_s:.1f} s") from error
        except httpx.HTTPError as error:
            raise ModelUnavailable(f"{self.name}: cannot reach the server ({error}); check JARGON_OPENAI_BASE_URL") \
                from error
        if time.monotonic() - start > timeout_s:
            raise GenerationTimeout(f"{self.name}: no answer within {timeout_s:.1f} s")
        if response.status_code != 200:
            raise ModelUnavailable(f"{self.name}: the server answered {response.status_code}: {response.text[:200]}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise ModelUnavailable(f"{self.name}: not an OpenAI chat completion: {response.text[:200]}") from error
        return str(content or "").strip()

    def close(self) -> None:
        self._client.close()
