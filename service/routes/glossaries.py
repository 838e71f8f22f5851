"""Glossary resources: CRUD, entries, history and restore, import and export (the caller's org only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from glossary import Direction, Entry
from glossary.io import MEDIA_TYPES, read_entries, write_entries
from glossary.store import GlossaryInfo, HistoryItem, ImportReport, StoredEntry
from service.deps import Reader, StoreDep, Writer
from service.errors import ApiError, error_responses

router = APIRouter(prefix="/v1/glossaries", tags=["glossaries"],
                   responses=error_responses(400, 401, 403, 422, 429, 503))
#: Writes that name a version in If-Match.
CONDITIONAL = error_responses(404, 412, 413)
IfMatch = Annotated[str | None, Header(description='The version you last read, as its ETag: "3".')]
#: The store's NAME_PATTERN, checked at the edge so that a bad name is a 422, not an error inside the store.
NAME_REGEX = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
#: Ids, versions and offsets are 32-bit columns in the database; a larger number is a 422, not a driver overflow.
MAX_INT = 2**31 - 1
EntryId = Annotated[int, Path(ge=1, le=MAX_INT)]
Version = Annotated[int, Path(ge=1, le=MAX_INT)]


class GlossaryCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=NAME_REGEX)
    description: str = Field(default="", max_length=2000)


class GlossaryPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100, pattern=NAME_REGEX)
    description: str | None = Field(default=None, max_length=2000)


class GlossaryOut(BaseModel):
    name: str
    description: str
    version: int
    entry_count: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, info: GlossaryInfo) -> GlossaryOut:
        return cls(**info.__dict__)


class EntryOut(Entry):
    id: int
    version: int

    @classmethod
    def of(cls, stored: StoredEntry) -> EntryOut:
        return cls(id=stored.id, version=stored.version, **stored.entry.model_dump())


class EntryList(BaseModel):
    items: list[EntryOut]
    total: int
    limit: int
    offset: int


class HistoryOut(BaseModel):
    version: int
    actor: str
    at: datetime
    action: str
    entry_id: int | None
    before: dict[str, object] | None
    after: dict[str, object] | None

    @classmethod
    def of(cls, item: HistoryItem) -> HistoryOut:
        return cls(**item.__dict__)


class ImportOut(BaseModel):
    dry_run: bool
    added: int
    updated: int
    unchanged: int
    removed: int

    @classmethod
    def of(cls, report: ImportReport, dry_run: bool) -> ImportOut:
        return cls(dry_run=dry_run, **report.__dict__)


def version_of(if_match: str | None) -> int | None:
    """The integer version in an If-Match header ('"3"', 'W/"3"' or '*')."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ApiError(400, "bad_if_match", 'If-Match must be a version as returned in ETag, such as "3".')
    return int(value)


def etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


@router.post("", status_code=201, responses=error_responses(409, 413))
async def create_glossary(body: GlossaryCreate, principal: Writer, store: StoreDep, response: Response) -> GlossaryOut:
    info = await run_in_threadpool(store.create_glossary, principal.org, body.name, body.description, principal.actor)
    etag(response, info.version)
    return GlossaryOut.of(info)


@router.get("")
async def list_glossaries(principal: Reader, store: StoreDep) -> list[GlossaryOut]:
    return [GlossaryOut.of(i) for i in await run_in_threadpool(store.list_glossaries, principal.org)]


@router.get("/{name}", responses=error_responses(404))
async def get_glossary(name: str, principal: Reader, store: StoreDep, response: Response) -> GlossaryOut:
    info = await run_in_threadpool(store.get_glossary, principal.org, name)
    etag(response, info.version)
    return GlossaryOut.of(info)


@router.patch("/{name}", responses=error_responses(404, 409, 412, 413))
async def update_glossary(name: str, body: GlossaryPatch, principal: Writer, store: StoreDep, response: Response,
                          if_match: IfMatch = None) -> GlossaryOut:
    info = await run_in_threadpool(
        lambda: store.update_glossary(principal.org, name, new_name=body.name, description=body.description,
                                      if_version=version_of(if_match), actor=principal.actor))
    etag(response, info.version)
    return GlossaryOut.of(info)


@router.delete("/{name}", status_code=204, responses=CONDITIONAL)
async def delete_glossary(name: str, principal: Writer, store: StoreDep, if_match: IfMatch = None) -> Response:
    await run_in_threadpool(
        lambda: store.delete_glossary(principal.org, name, version_of(if_match), actor=principal.actor))
    return Response(status_code=204)


@router.get("/{name}/entries", responses=error_responses(404))
async def list_entries(
    name: str, principal: Reader, store: StoreDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=60)] = None,
    direction: Direction | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> EntryList:
    items, total = await run_in_threadpool(
        lambda: store.list_entries(principal.org, name, q=q, category=category, direction=direction,
                                   limit=limit, offset=offset))
    return EntryList(items=[EntryOut.of(i) for i in items], total=total, limit=limit, offset=offset)


@router.post("/{name}/entries", status_code=201, responses=CONDITIONAL)
async def add_entry(name: str, entry: Entry, principal: Writer, store: StoreDep, response: Response,
                    if_match: IfMatch = None) -> EntryOut:
    stored = await run_in_threadpool(store.add_entry, principal.org, name, entry, principal.actor, version_of(if_match))
    etag(response, stored.version)
    return EntryOut.of(stored)


@router.get("/{name}/entries/{entry_id}", responses=error_responses(404))
async def get_entry(name: str, entry_id: EntryId, principal: Reader, store: StoreDep, response: Response) -> EntryOut:
    stored = await run_in_threadpool(store.get_entry, principal.org, name, entry_id)
    etag(response, stored.version)
    return EntryOut.of(stored)


@router.put("/{name}/entries/{entry_id}", responses=CONDITIONAL)
async def update_entry(name: str, entry_id: EntryId, entry: Entry, principal: Writer, store: StoreDep,
                       response: Response, if_match: IfMatch = None) -> EntryOut:
    stored = await run_in_threadpool(store.update_entry, principal.org, name, entry_id, entry, principal.actor,
                                     version_of(if_match))
    etag(response, stored.version)
    return EntryOut.of(stored)


@router.delete("/{name}/entries/{entry_id}", status_code=204, responses=CONDITIONAL)
async def delete_entry(name: str, entry_id: EntryId, principal: Writer, store: StoreDep,
                       if_match: IfMatch = None) -> Response:
    await run_in_threadpool(store.delete_entry, principal.org, name, entry_id, principal.actor, version_of(if_match))
    return Response(status_code=204)


@router.get("/{name}/history", responses=error_responses(404))
async def history(name: str, principal: Reader, store: StoreDep) -> list[HistoryOut]:
    return [HistoryOut.of(i) for i in await run_in_threadpool(store.history, principal.org, name)]


@router.post("/{name}/history/{version}/restore", responses=error_responses(404, 413))
async def restore(name: str, version: Version, principal: Writer, store: StoreDep) -> ImportOut:
    report = await run_in_threadpool(store.restore, principal.org, name, version, principal.actor)
    return ImportOut.of(report, dry_run=False)


@router.post("/{name}/import", responses=CONDITIONAL)
async def import_entries(
    name: str, request: Request, principal: Writer, store: StoreDep,
    format: Literal["csv", "tsv", "tbx"] = "csv",
    dry_run: bool = False,
    mode: Literal["merge", "replace"] = "merge",
    if_match: IfMatch = None,
) -> ImportOut:
    data = await request.body()
    entries = await run_in_threadpool(read_entries, data, format)
    report = await run_in_threadpool(
        lambda: store.import_entries(principal.org, name, entries, principal.actor, dry_run=dry_run, mode=mode,
                                     if_version=version_of(if_match)))
    return ImportOut.of(report, dry_run)


@router.get("/{name}/export", responses=error_responses(404))
async def export_entries(name: str, principal: Reader, store: StoreDep,
                         format: Literal["csv", "tsv", "tbx"] = "csv") -> Response:
    entries = await run_in_threadpool(store.export_entries, principal.org, name)
    return Response(write_entries(entries, format), media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'})
