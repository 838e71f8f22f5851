"""Suggestions for unknown jargon: the nearest glossary entries by sentence embedding."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from glossary import Direction, Entry, Layer, Mode
from models.base import Embedder

_LOCK = threading.Lock()
_INDEX: dict[tuple[str, tuple[int, ...], Direction], tuple[list[Entry], npt.NDArray[np.float32]]] = {}


def _index(layers: Sequence[Layer], direction: Direction, embedder: Embedder) -> tuple[list[Entry],
                                                                                     npt.NDArray[np.float32]]:
    """Every replaceable entry of the layers, embedded once per process (as "term: explanation")."""
    key = (embedder.name, tuple(id(layer) for layer in layers), direction)
    with _LOCK:
        if key not in _INDEX:
            entries = [e for layer in layers for e in layer.for_direction(direction) if e.mode is not Mode.KEEP]
            vectors = embedder.embed([f"{e.source}: {e.explanation}" for e in entries])
            _INDEX[key] = (entries, vectors)
        return _INDEX[key]


def suggest(unknown: Sequence[str], layers: Sequence[Layer], direction: Direction, embedder: Embedder,
            limit: int = 3) -> dict[str, list[str]]:
    """For each unknown term, the sources of the `limit` nearest entries (cosine similarity)."""
    if not unknown:
        return {}
    entries, vectors = _index(layers, direction, embedder)
    if not entries:
        return {}
    similarity = embedder.embed(list(unknown)) @ vectors.T
    return {term: [entries[i].source for i in np.argsort(-row)[:limit]]
            for term, row in zip(unknown, similarity, strict=True)}
