"""The polisher as a :class:`models.base.Generator`: SmolLM2 + the LoRA adapter.

Two runtimes, picked by ``JARGON_POLISHER_RUNTIME`` (``auto``: llama.cpp when llama-cpp-python is
installed and the base is a GGUF file, else transformers):

- llama.cpp (fast: about half a second for a short update on 2 cores): the adapter is converted once
  into a llama.cpp LoRA file in the cache directory and applied on the packaged Q4_1 GGUF at run time.
- transformers: the base model (the packaged GGUF, dequantised; or any local model directory) and the
  adapter are merged into one plain model the first time it is needed, kept in memory for the process
  and, with ``save_merged``, saved under the cache directory for the next process. Greedy, with a
  wall-clock StoppingCriteria for ``timeout_s``.

With ``adapter=None`` either runtime is the base model alone (the zero-shot baseline), behind the same
prompt.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from pathlib import Path
from typing import Any

from models.base import Generator, ModelUnavailable
from models.config import ModelSettings, PolisherRuntime
from models.polisher import ADAPTER_DIR

log = logging.getLogger(__name__)

_MERGED: dict[tuple[str, str, str], tuple[Any, Any]] = {}
_MERGED_LOCK = threading.Lock()


def adapter_digest(adapter: Path) -> str:
    """A short digest of the adapter's weights and configuration (names the merged cache)."""
    digest = hashlib.sha256()
    for name in ("adapter_config.json", "adapter_model.safetensors", "adapter_model.bin"):
        path = adapter / name
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def has_adapter(adapter: Path | None) -> bool:
    return adapter is not None and (adapter / "adapter_config.json").is_file()


def _merged_dir(cache_dir: Path, base: Path, adapter: Path) -> Path:
    size = base.stat().st_size if base.is_file() else 0
    return cache_dir / f"polisher-{base.stem}-{size}-{adapter_digest(adapter)}"


def load_merged(base: Path, adapter: Path | None, *, cache_dir: Path | None = None,
                save_merged: bool = False) -> tuple[Any, Any]:
    """(tokenizer, model in eval mode): the base with the adapter merged in (once per process)."""
    key = (str(base), str(adapter), adapter_digest(adapter) if adapter else "")
    with _MERGED_LOCK:
        if key in _MERGED:
            return _MERGED[key]
        from models.hf import _save_converted, load_model

        merged_dir = _merged_dir(cache_dir, base, adapter) if cache_dir and adapter else None
        if merged_dir is not None and (merged_dir / "config.json").is_file():
            tokenizer, model = load_model(merged_dir, None, what="the polisher")
        else:
            tokenizer, model = load_model(base, cache_dir, what="the polisher's base model")
            if adapter is not None:
                if not has_adapter(adapter):
                    raise ModelUnavailable(f"the polisher: no adapter in {adapter}: run `jargon train`")
                try:
                    from peft import PeftModel
                except ImportError:
                    raise ModelUnavailable("the polisher needs the 'peft' package: pip install peft") from None
                model = PeftModel.from_pretrained(model, str(adapter), is_trainable=False).merge_and_unload()
                model.eval()
                if save_merged and merged_dir is not None:
                    _save_converted(tokenizer, model, merged_dir)
        _MERGED[key] = (tokenizer, model)
        return tokenizer, model


class PolisherGenerator:
    """SmolLM2 + the polisher's LoRA adapter (or the base alone), greedy, with a wall-clock limit."""

    def __init__(self, adapter: Path | None = ADAPTER_DIR, *, base: Path | None = None, cache_dir: Path | None = None,
                 n_threads: int | None = None, save_merged: bool = False, device: str = "cpu") -> None:
        import torch

        if n_threads:
            torch.set_num_threads(n_threads)
        if base is None:
            from models.paths import smollm2_gguf

            base = smollm2_gguf()
        self.base, self.adapter, self.device = base, adapter, device
        self.tokenizer, model = load_merged(base, adapter, cache_dir=cache_dir, save_merged=save_merged)
        self.model = model.to(device)
        self.name = f"polisher:{adapter_digest(adapter)}" if adapter else f"zero-shot:{base.stem}"
        self.trained_on_system = adapter is not None
        self._lock = threading.Lock()

    def generate(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_new_tokens: int = 256,
        timeout_s: float = 10.0,
        temperature: float = 0.0,
    ) -> str:
        import torch

        from models.hf import bounded_generate
        from models.polisher.prompt import chat_ids

        ids: list[torch.Tensor] = []

        def encode() -> dict[str, torch.Tensor]:
            ids.append(torch.tensor([chat_ids(self.tokenizer, system, prompt)], device=self.device))
            return {"input_ids": ids[0], "attention_mask": torch.ones_like(ids[0])}

        output = bounded_generate(self.model, self.tokenizer, self._lock, self.name, encode,
                                  max_new_tokens=max_new_tokens, timeout_s=timeout_s, temperature=temperature)
        return str(self.tokenizer.decode(output[0, ids[0].shape[1]:], skip_special_tokens=True)).strip()

def gguf_adapter(adapter: Path, base: Path, cache_dir: Path) -> Path:
    """The adapter as a llama.cpp LoRA file under ``cache_dir``, converted on first use."""
    from models.polisher.gguf_adapter import export_gguf_adapter

    out = cache_dir / f"polisher-{base.stem}-{adapter_digest(adapter)}.lora.gguf"
    if not out.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        export_gguf_adapter(adapter, base, out)
    return out


def llamacpp_polisher(adapter: Path | None, base: Path, cache_dir: Path, *, n_threads: int | None = None,
                      n_ctx: int = 2048) -> Generator:
    """The polisher on llama.cpp: the packaged GGUF plus the converted adapter (or the base alone)."""
    from models.llamacpp import LlamaCppGenerator

    if adapter is None:
        return LlamaCppGenerator(base, n_threads=n_threads, n_ctx=n_ctx, name=f"zero-shot:{base.stem}")
    return LlamaCppGenerator(base, n_threads=n_threads, n_ctx=n_ctx, lora_path=gguf_adapter(adapter, base, cache_dir),
                             name=f"polisher:{adapter_digest(adapter)}", trained_on_system=True)


def build(adapter: Path | None, *, runtime: PolisherRuntime = "auto", cache_dir: Path, n_threads: int | None = None,
          n_ctx: int = 2048) -> Generator:
    """The polisher (``adapter=None``: the zero-shot base model) on the packaged SmolLM2."""
    from models.paths import require_module, smollm2_gguf

    base = smollm2_gguf()
    if runtime == "auto":
        runtime = "llamacpp" if importlib.util.find_spec("llama_cpp") is not None else "transformers"
    if runtime == "llamacpp":
        require_module("llama_cpp", install="llama-cpp-python", what="the polisher on llama.cpp")
        require_module("gguf", install="gguf", what="the polisher on llama.cpp")
        return llamacpp_polisher(adapter, base, cache_dir, n_threads=n_threads, n_ctx=n_ctx)
    for module, install in (("torch", "torch==2.13.0"), ("transformers", "transformers"), ("peft", "peft")):
        require_module(module, install=install, what="the polisher on transformers")
    log.warning("the polisher runs on transformers (several times slower): pip install llama-cpp-python")
    return PolisherGenerator(adapter, base=base, cache_dir=cache_dir, n_threads=n_threads, save_merged=True)


def load(settings: ModelSettings) -> Generator:
    """The registry's factory: the committed adapter (or ``JARGON_GENERATOR_PATH``, an adapter
    directory), on the runtime ``JARGON_POLISHER_RUNTIME`` names."""
    adapter = (settings.generator_path or ADAPTER_DIR).expanduser()
    if not has_adapter(adapter):
        raise ModelUnavailable(f"the polisher: no adapter in {adapter}: run `jargon train`, or set "
                               "JARGON_GENERATOR_PATH to an adapter directory")
    return build(adapter, runtime=settings.polisher_runtime, cache_dir=settings.resolved_cache_dir(),
                 n_threads=settings.n_threads, n_ctx=settings.n_ctx)
