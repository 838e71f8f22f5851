"""Per-process cache of compiled glossary layers, revalidated against the database every `ttl` seconds."""

from __future__ import annotations

import time
from threading import Lock

from glossary.layers import Layer


class LayerCache:
    """Two maps: (org, name) -> (glossary id, version) as last checked, and glossary id -> its newest layer."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._lock = Lock()
        self._heads: dict[tuple[str, str], tuple[float, int, int]] = {}
        self._layers: dict[int, tuple[int, Layer]] = {}

    def head(self, org: str, name: str) -> tuple[int, int] | None:
        """The glossary's (id, version) if checked less than `ttl` seconds ago."""
        with self._lock:
            found = self._heads.get((org, name))
        if found is None or time.monotonic() - found[0] >= self._ttl:
            return None
        return found[1], found[2]

    def remember_head(self, org: str, name: str, glossary_id: int, version: int) -> None:
        with self._lock:
            self._heads[(org, name)] = (time.monotonic(), glossary_id, version)

    def layer(self, glossary_id: int, version: int) -> Layer | None:
        with self._lock:
            found = self._layers.get(glossary_id)
        return found[1] if found is not None and found[0] == version else None

    def remember_layer(self, glossary_id: int, version: int, layer: Layer) -> None:
        with self._lock:
            found = self._layers.get(glossary_id)
            if found is None or found[0] <= version:
                self._layers[glossary_id] = (version, layer)

    def forget(self, org: str, name: str) -> None:
        """Drop a glossary's head after a write in this process, so that the write shows at once."""
        with self._lock:
            self._heads.pop((org, name), None)
