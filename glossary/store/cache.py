"""Per-process caches: compiled glossary layers (revalidated every `ttl` seconds) and verified API keys."""

from __future__ import annotations

import time
from threading import Lock

from glossary.layers import Layer
from glossary.store.records import ApiKeyInfo


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


class KeyCache:
    """Recently verified API keys, by the hash of their secret (never the secret itself).

    A key verified less than ``ttl`` seconds ago is trusted without a query. While the database is
    unavailable, a key verified less than ``grace`` seconds ago is still trusted, so that translation
    (which needs no database) goes on through an outage. A revocation in this process takes effect at
    once; one made in another process within ``ttl`` seconds.
    """

    def __init__(self, ttl: float, grace: float) -> None:
        self._ttl, self._grace = ttl, grace
        self._lock = Lock()
        self._keys: dict[str, tuple[float, ApiKeyInfo]] = {}

    def fresh(self, digest: str) -> ApiKeyInfo | None:
        return self._get(digest, self._ttl)

    def within_grace(self, digest: str) -> ApiKeyInfo | None:
        return self._get(digest, self._grace)

    def _get(self, digest: str, max_age: float) -> ApiKeyInfo | None:
        with self._lock:
            found = self._keys.get(digest)
        if found is None or time.monotonic() - found[0] >= max_age:
            return None
        return found[1]

    def remember(self, digest: str, info: ApiKeyInfo | None) -> None:
        with self._lock:
            if info is None:
                self._keys.pop(digest, None)
            else:
                self._keys[digest] = (time.monotonic(), info)

    def forget_prefix(self, prefix: str) -> None:
        with self._lock:
            for digest in [d for d, (_, info) in self._keys.items() if info.prefix == prefix]:
                del self._keys[digest]
