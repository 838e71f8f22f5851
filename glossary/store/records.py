"""The plain, immutable values the store hands out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from glossary.entry import Entry


@dataclass(frozen=True)
class GlossaryInfo:
    name: str
    description: str
    version: int
    entry_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StoredEntry:
    """An entry with its id and its own version (bumped on every change to it)."""

    id: int
    version: int
    entry: Entry


@dataclass(frozen=True)
class HistoryItem:
    """One version of a glossary: who made it, when, and what changed."""

    version: int
    actor: str
    at: datetime
    action: str
    entry_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ImportReport:
    """What an import or restore changed (or, in a dry run, would change)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class ApiKeyInfo:
    """An API key as shown to users: never its secret."""

    org: str
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
