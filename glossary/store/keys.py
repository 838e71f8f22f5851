"""API keys: a random secret shown once; the database keeps its prefix and SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from glossary.store.errors import NotFound
from glossary.store.models import ApiKeyRow
from glossary.store.records import ApiKeyInfo

SCOPES = ("read", "write", "admin")
SECRET_MARK = "jgn_"
PREFIX_LENGTH = 12  # the mark and 8 random characters


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(session: Session, org: str, name: str, scopes: Sequence[str]) -> tuple[str, str]:
    """Add a key; return (prefix, secret). The secret is not stored and cannot be shown again."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"scopes must be a non-empty subset of {', '.join(SCOPES)}; got {list(scopes)}")
    secret = SECRET_MARK + secrets.token_urlsafe(32)
    prefix = secret[:PREFIX_LENGTH]
    ordered = [scope for scope in SCOPES if scope in scopes]
    row = ApiKeyRow(
        org=org, name=name, prefix=prefix, key_hash=hash_secret(secret), scopes=ordered, created_at=datetime.now(UTC)
    )
    session.add(row)
    return prefix, secret


def list_keys(session: Session, org: str | None) -> list[ApiKeyInfo]:
    query = select(ApiKeyRow).order_by(ApiKeyRow.id)
    if org is not None:
        query = query.where(ApiKeyRow.org == org)
    return [_info(row) for row in session.scalars(query)]


def revoke_key(session: Session, prefix: str) -> None:
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix))
    if row is None:
        raise NotFound(f"no API key with prefix {prefix!r}")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)


def authenticate(session: Session, secret: str) -> ApiKeyInfo | None:
    """The live key whose secret this is, or None."""
    if not secret.startswith(SECRET_MARK) or len(secret) <= PREFIX_LENGTH:
        return None
    row = session.scalar(
        select(ApiKeyRow).where(ApiKeyRow.prefix == secret[:PREFIX_LENGTH], ApiKeyRow.revoked_at.is_(None))
    )
    if row is None or not hmac.compare_digest(row.key_hash, hash_secret(secret)):
        return None
    return _info(row)


def _info(row: ApiKeyRow) -> ApiKeyInfo:
    return ApiKeyInfo(row.org, row.name, row.prefix, tuple(row.scopes), row.created_at, row.revoked_at)
