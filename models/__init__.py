"""Transformer backends (scorer, generators, embedder), loaded offline from installed packages.

The translator uses only what is exported here::

    from models import ModelSettings, get_scorer, get_generator, get_embedder

Importing this package is cheap: torch, transformers, llama_cpp and httpx are imported only
when a backend is first loaded.
"""

from models.base import Embedder, GenerationTimeout, Generator, ModelUnavailable, Scorer
from models.config import ModelSettings
from models.registry import clear_cache, get_embedder, get_generator, get_scorer, register, registered

__all__ = [
    "Embedder",
    "GenerationTimeout",
    "Generator",
    "ModelSettings",
    "ModelUnavailable",
    "Scorer",
    "clear_cache",
    "get_embedder",
    "get_generator",
    "get_scorer",
    "register",
    "registered",
]
