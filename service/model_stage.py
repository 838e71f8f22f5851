"""The model stage of a running service: loaded once, on first use, in the background of requests.

Loading failures never fail a request: the stage is built from whatever loaded, and each
translation carries a warning naming what is missing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from models.base import ModelUnavailable
from models.config import ModelSettings
from models.registry import get_embedder, get_generator, get_scorer
from translator import ModelStage

log = logging.getLogger("jargon")
T = TypeVar("T")


class ModelStageProvider:
    """Builds the ModelStage once per process, thread-safely; remembers why a part is missing."""

    def __init__(self, settings: ModelSettings | None, time_limit_s: float) -> None:
        self._settings = settings
        self._time_limit_s = time_limit_s
        self._lock = threading.Lock()
        self._stage: ModelStage | None = None
        self.warnings: list[str] = []

    def get(self) -> ModelStage:
        if self._settings is None:
            return ModelStage()
        with self._lock:
            if self._stage is None:
                self._stage = ModelStage(
                    scorer=self._load("fluency scorer", get_scorer),
                    generator=self._load("text generator", get_generator),
                    embedder=self._load("sentence embedder", get_embedder),
                    time_limit_s=self._time_limit_s,
                )
            return self._stage

    def _load(self, role: str, loader: Callable[[ModelSettings], T | None]) -> T | None:
        assert self._settings is not None
        try:
            return loader(self._settings)
        except (ModelUnavailable, ImportError, OSError, RuntimeError, ValueError) as exc:
            log.warning("the %s is unavailable: %s", role, exc)
            self.warnings.append(f"The {role} is unavailable ({exc}); the glossary result is used without it.")
            return None
