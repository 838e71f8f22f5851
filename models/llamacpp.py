"""llama.cpp generator (llama-cpp-python) on any GGUF file."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Any

from models.base import GenerationTimeout, ModelUnavailable


class LlamaCppGenerator:
    """Chat completion with the chat template stored in the GGUF; streams, so it can stop at the deadline."""

    def __init__(self, path: Path, *, n_threads: int | None = None, n_ctx: int = 2048, seed: int = 0,
                 lora_path: Path | None = None, name: str | None = None, trained_on_system: bool = False) -> None:
        """``lora_path``: a llama.cpp LoRA adapter (GGUF) applied on top of the model at full strength;
        ``trained_on_system``: see :class:`models.base.Generator`."""
        from llama_cpp import Llama

        if path.suffix != ".gguf" or not path.is_file():
            raise ModelUnavailable(f"the llamacpp generator needs a .gguf file, not {path}: set JARGON_GENERATOR_PATH")
        try:
            with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
                self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, seed=seed, verbose=False,
                                 lora_path=str(lora_path) if lora_path else None)
        except (ValueError, RuntimeError) as error:
            raise ModelUnavailable(f"the llamacpp generator cannot load {path}: {error}") from error
        self.path = path
        self.name = name or f"llamacpp:{path.stem}"
        self.trained_on_system = trained_on_system
        self.seed = seed
        self._lock = threading.Lock()  # a Llama context is not thread-safe

    def generate(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_new_tokens: int = 256,
        timeout_s: float = 10.0,
        temperature: float = 0.0,
    ) -> str:
        deadline = time.monotonic() + timeout_s
        if not self._lock.acquire(timeout=max(timeout_s, 0.0)):
            raise GenerationTimeout(f"{self.name}: busy for more than {timeout_s:.1f} s")
        try:
            messages: list[Any] = [{"role": "system", "content": system}] if system else []
            messages.append({"role": "user", "content": prompt})
            parts: list[str] = []
            stream: Any = self.llm.create_chat_completion(
                messages=messages,
                max_tokens=max_new_tokens,
                temperature=temperature,
                top_k=1 if temperature <= 0 else 40,  # greedy at temperature 0
                seed=self.seed,  # sampled replies are reproducible too
                stream=True,
            )
            for chunk in stream:
                if time.monotonic() >= deadline:
                    close = getattr(stream, "close", None)
                    if close is not None:
                        close()
                    raise GenerationTimeout(f"{self.name}: no answer within {timeout_s:.1f} s")
                delta = chunk["choices"][0].get("delta", {})
                parts.append(str(delta.get("content") or ""))
        finally:
            self._lock.release()
        return "".join(parts).strip()

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` under this model's vocabulary (benchmarks)."""
        return len(self.llm.tokenize(text.encode(), add_bos=False, special=False))
