"""llama.cpp generator (llama-cpp-python) on any GGUF file, decoding under the guard's placeholder protocol."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.base import GenerationTimeout, ModelUnavailable


class LlamaCppGenerator:
    """Chat completion with the chat template stored in the GGUF; streams, so it can stop at the deadline."""

    def __init__(self, path: Path, *, n_threads: int | None = None, n_ctx: int = 2048, seed: int = 0,
                 lora_path: Path | None = None, name: str | None = None, trained_on_system: bool = False,
                 enforce_markers: bool = True) -> None:
        """``lora_path``: a llama.cpp LoRA adapter (GGUF) applied on top of the model at full strength;
        ``trained_on_system``: see :class:`models.base.Generator`; ``enforce_markers``: decode under
        :class:`MarkerConstraint`."""
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
        self._markers = MarkerVocabulary(self.llm) if enforce_markers else None
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
        from llama_cpp import LogitsProcessorList

        deadline = time.monotonic() + timeout_s
        if not self._lock.acquire(timeout=max(timeout_s, 0.0)):
            raise GenerationTimeout(f"{self.name}: busy for more than {timeout_s:.1f} s")
        try:
            messages: list[Any] = [{"role": "system", "content": system}] if system else []
            messages.append({"role": "user", "content": prompt})
            parts: list[str] = []
            constraint = self._markers.for_prompt(prompt) if self._markers else None
            stream: Any = self.llm.create_chat_completion(
                messages=messages,
                logits_processor=LogitsProcessorList([constraint]) if constraint else None,
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


MARKER = re.compile(rb"\xe2\x9f\xa6(\d+)\xe2\x9f\xa7")  # ⟦n⟧ in UTF-8
OPEN, CLOSE = "⟦".encode(), "⟧".encode()


class MarkerVocabulary:
    """What :class:`MarkerConstraint` needs to know of a model's vocabulary: each token's bytes, the
    tokens that can continue a marker (digits, the bytes of ⟧), and the tokens that end a reply."""

    def __init__(self, llm: Any) -> None:
        self.pieces: list[bytes] = [llm.detokenize([i], special=False) for i in range(llm.n_vocab())]
        marker_bytes = set(b"0123456789" + CLOSE)
        self.marker_tokens = [i for i, piece in enumerate(self.pieces) if piece and set(piece) <= marker_bytes]
        # After the two bytes that ⟦ and ⟧ share, these tokens would complete one of them.
        self.completes_open = [i for i, p in enumerate(self.pieces) if p.startswith(OPEN[2:])]
        self.completes_close = [i for i, p in enumerate(self.pieces) if p.startswith(CLOSE[2:])]
        end_of_turn = llm.tokenize(b"<|im_end|>", add_bos=False, special=True)
        self.stop_ids = sorted({llm.token_eos(), *(end_of_turn if len(end_of_turn) == 1 else [])})

    def for_prompt(self, prompt: str) -> MarkerConstraint | None:
        """A constraint for a reply to ``prompt``, or None when the prompt has no markers."""
        expected = Counter(m.group(1) for m in MARKER.finditer(prompt.encode()))
        return MarkerConstraint(self, expected) if expected else None


class MarkerConstraint:
    """A llama.cpp logits processor that holds a reply to the guard's placeholder protocol: every
    marker ⟦n⟧ of the prompt exactly as often as the prompt has it, and no other marker.

    Inside a marker only the digits of a marker still owed (then ⟧) can follow; outside, a new marker
    can start only while one is owed, and the reply cannot end while one is owed. The model still
    chooses where each marker goes; the guard still checks everything.
    """

    def __init__(self, vocabulary: MarkerVocabulary, expected: Counter[bytes]) -> None:
        self.vocabulary, self.expected = vocabulary, expected
        self.start: int | None = None

    def __call__(self, input_ids: npt.NDArray[np.intc], scores: npt.NDArray[np.single]) -> npt.NDArray[np.single]:
        if self.start is None:  # the first call comes before the first token of the reply
            self.start = len(input_ids)
        vocab = self.vocabulary
        text = b"".join(vocab.pieces[i] for i in input_ids[self.start:])
        done = Counter(m.group(1) for m in MARKER.finditer(text))
        owed = [n for n, count in self.expected.items() if done[n] < count]
        opened = text.rfind(OPEN)
        if opened >= 0 and CLOSE not in text[opened:]:  # inside a marker
            tail = text[opened + len(OPEN):]
            allowed = [t for t in vocab.marker_tokens
                       if any((n + CLOSE).startswith(tail + vocab.pieces[t]) or
                              (tail + vocab.pieces[t]).startswith(n + CLOSE) for n in owed)]
            if allowed:
                keep = scores[allowed].copy()
                scores[:] = -np.inf
                scores[allowed] = keep
            return scores
        if text.endswith(OPEN[:2]):  # ⟦ or ⟧ half written: no stray ⟧, and ⟦ only while one is owed
            scores[vocab.completes_close] = -np.inf
            if not owed:
                scores[vocab.completes_open] = -np.inf
        if owed:
            scores[vocab.stop_ids] = -np.inf
        return scores
