"""The persistent glossary store (SQLAlchemy; SQLite by default, PostgreSQL by URL)."""

from glossary.store.errors import (
    AlreadyExists,
    InvalidValue,
    NotFound,
    PreconditionFailed,
    StoreError,
    StoreUnavailable,
)
from glossary.store.keys import SCOPES
from glossary.store.records import ApiKeyInfo, GlossaryInfo, HistoryItem, ImportReport, StoredEntry
from glossary.store.store import Store

__all__ = [
    "SCOPES",
    "AlreadyExists",
    "ApiKeyInfo",
    "GlossaryInfo",
    "HistoryItem",
    "ImportReport",
    "InvalidValue",
    "NotFound",
    "PreconditionFailed",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "StoredEntry",
]
