"""API keys of the caller's organisation (admin scope)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from glossary.store import SCOPES, ApiKeyInfo
from service.deps import Admin, StoreDep
from service.errors import ApiError, error_responses

router = APIRouter(prefix="/v1/keys", tags=["keys"], responses=error_responses(400, 401, 403, 422, 429, 503))


class KeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1)


class KeyOut(BaseModel):
    org: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, info: ApiKeyInfo) -> KeyOut:
        return cls(**{**info.__dict__, "scopes": list(info.scopes)})


class KeyCreated(BaseModel):
    prefix: str
    secret: str = Field(description="Shown once; only its hash is stored.")


@router.post("", status_code=201, responses=error_responses(413))
async def create_key(body: KeyCreate, principal: Admin, store: StoreDep) -> KeyCreated:
    unknown = set(body.scopes) - set(SCOPES)
    if unknown:
        raise ApiError(422, "validation_error", f"scopes: unknown {sorted(unknown)}; use {list(SCOPES)}")
    prefix, secret = await run_in_threadpool(store.create_key, principal.org, body.name, body.scopes)
    return KeyCreated(prefix=prefix, secret=secret)


@router.get("")
async def list_keys(principal: Admin, store: StoreDep) -> list[KeyOut]:
    return [KeyOut.of(k) for k in await run_in_threadpool(store.list_keys, principal.org)]


@router.delete("/{prefix}", status_code=204, responses=error_responses(404))
async def revoke_key(prefix: str, principal: Admin, store: StoreDep) -> Response:
    keys = await run_in_threadpool(store.list_keys, principal.org)
    if prefix not in {k.prefix for k in keys}:
        raise ApiError(404, "not_found", f"No API key '{prefix}' in this organisation.")
    await run_in_threadpool(store.revoke_key, prefix)
    return Response(status_code=204)
