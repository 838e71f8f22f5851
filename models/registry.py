"""Backend registry: names to factories, and lazily loaded, per-process singletons.

Backends register themselves spaCy-style::

    @register("scorer", "smollm2")
    def _smollm2(settings: ModelSettings) -> Scorer: ...

``get_scorer`` / ``get_generator`` / ``get_embedder`` load the backend named by the settings
once per process (per distinct settings), under a lock, and return the same object after that;
``None`` when the role is set to ``"none"``. Failures raise :class:`ModelUnavailable` and are
not cached, so installing the missing package and retrying works without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast

from models.base import Embedder, Generator, ModelUnavailable, Scorer
from models.config import ModelSettings

Role = Literal["scorer", "generator", "embedder"]
Factory = Callable[[ModelSettings], Any]
F = TypeVar("F", bound=Factory)

_FACTORIES: dict[tuple[Role, str], Factory] = {}
_LOADED: dict[tuple[Role, str, ModelSettings], Any] = {}
_KEY_LOCKS: dict[tuple[Role, str, ModelSettings], threading.Lock] = {}
_LOCK = threading.Lock()
_BUILTINS_LOADED = False


def register(role: Role, name: str) -> Callable[[F], F]:
    """Register ``factory(settings) -> backend`` as the backend ``name`` for ``role``."""

    def decorator(factory: F) -> F:
        with _LOCK:
            _FACTORIES[(role, name)] = factory
        return factory

    return decorator


def _ensure_builtins() -> None:
    global _BUILTINS_LOADED
    if not _BUILTINS_LOADED:
        import models.backends  # noqa: F401  (registers the built-in backends; imports nothing heavy)

        _BUILTINS_LOADED = True


def registered(role: Role) -> list[str]:
    """Names registered for a role, sorted."""
    _ensure_builtins()
    with _LOCK:
        return sorted(name for r, name in _FACTORIES if r == role)


def _get(role: Role, name: str, settings: ModelSettings) -> Any:
    if name == "none":
        return None
    _ensure_builtins()
    key = (role, name, settings)
    with _LOCK:
        if key in _LOADED:
            return _LOADED[key]
        factory = _FACTORIES.get((role, name))
        if factory is None:
            known = ", ".join(sorted(n for r, n in _FACTORIES if r == role))
            raise ModelUnavailable(f"unknown {role} {name!r}: set JARGON_{role.upper()} to one of: none, {known}")
        key_lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    # Load outside the global lock: loading the scorer does not block a request for the embedder.
    with key_lock:
        with _LOCK:
            if key in _LOADED:
                return _LOADED[key]
        backend = factory(settings)
        with _LOCK:
            _LOADED[key] = backend
        return backend


def get_scorer(settings: ModelSettings | None = None) -> Scorer | None:
    """The configured scorer, loaded on first use; ``None`` when ``scorer="none"``."""
    settings = settings or ModelSettings()
    return cast("Scorer | None", _get("scorer", settings.scorer, settings))


def get_generator(settings: ModelSettings | None = None) -> Generator | None:
    """The configured generator, loaded on first use; ``None`` when ``generator="none"``."""
    settings = settings or ModelSettings()
    return cast("Generator | None", _get("generator", settings.generator, settings))


def get_embedder(settings: ModelSettings | None = None) -> Embedder | None:
    """The configured embedder, loaded on first use; ``None`` when ``embedder="none"``."""
    settings = settings or ModelSettings()
    return cast("Embedder | None", _get("embedder", settings.embedder, settings))


def clear_cache() -> None:
    """Forget every loaded backend (tests; frees memory once nothing else holds them)."""
    with _LOCK:
        _LOADED.clear()
        _KEY_LOCKS.clear()
