"""The glossary store: organisations' named glossaries, versioned, with history and API keys.

Every write locks the glossary by bumping its version (UPDATE ... WHERE version = :read), appends a
history row with a snapshot of all entries, and commits, all in one transaction: two writers can
never both win, and a failed write leaves nothing behind.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, InternalError, OperationalError
from sqlalchemy.orm import Session

from glossary.entry import Direction, Entry
from glossary.layers import Layer, glossary_label
from glossary.store import keys
from glossary.store.cache import KeyCache, LayerCache
from glossary.store.engine import WRITE, make_engine, migrate
from glossary.store.entries import Plan, dump, entry_of, fill, plan, source_key
from glossary.store.errors import AlreadyExists, InvalidValue, NotFound, PreconditionFailed, StoreUnavailable
from glossary.store.models import EntryRow, GlossaryRow, HistoryRow
from glossary.store.records import ApiKeyInfo, GlossaryInfo, HistoryItem, ImportReport, StoredEntry

T = TypeVar("T")
log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_ATTEMPTS = 50  # a write that loses the race to a concurrent one starts again


@dataclass(frozen=True)
class _Event:
    """What a write did, for its history row."""

    action: str
    entry_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class _Conflict(Exception):
    """Another writer bumped the version between our read and our write."""


class _NothingChanged(Exception):
    """Roll back: the write (a dry run, or an import that changes nothing) leaves no trace."""


class Store:
    """Glossaries in SQLite (`sqlite:///path`) or PostgreSQL (`postgresql+psycopg://...`)."""

    def __init__(self, url: str, *, cache_ttl: float = 2.0, key_cache_ttl: float = 0.0,
                 key_outage_grace: float = 900.0) -> None:
        self._engine = make_engine(url)
        self._writer = self._engine.execution_options(**{WRITE: True})
        self._cache = LayerCache(cache_ttl)
        self._keys = KeyCache(key_cache_ttl, key_outage_grace)

    def migrate(self) -> None:
        """Create or upgrade the schema."""
        with self._unavailable():
            migrate(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    # --- glossaries ------------------------------------------------------------------------

    def create_glossary(self, org: str, name: str, description: str, actor: str) -> GlossaryInfo:
        _check_name(name)
        now = _now()
        with self._session(write=True) as session:
            if self._find(session, org, name) is not None:
                raise AlreadyExists(f"glossary {name!r} already exists")
            row = GlossaryRow(org=org, name=name, description=description, version=1, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            session.add(HistoryRow(glossary_id=row.id, version=1, actor=actor, at=now, action="create", snapshot=[]))
            return self._info(session, row)

    def list_glossaries(self, org: str) -> list[GlossaryInfo]:
        count = select(func.count()).where(EntryRow.glossary_id == GlossaryRow.id).scalar_subquery()
        query = select(GlossaryRow, count).where(GlossaryRow.org == org).order_by(GlossaryRow.name)
        with self._session() as session:
            return [_info(row, count) for row, count in session.execute(query)]

    def get_glossary(self, org: str, name: str) -> GlossaryInfo:
        with self._session() as session:
            return self._info(session, self._glossary(session, org, name))

    def update_glossary(
        self,
        org: str,
        name: str,
        *,
        new_name: str | None = None,
        description: str | None = None,
        if_version: int | None = None,
        actor: str,
    ) -> GlossaryInfo:
        """Rename and/or redescribe; a change that changes nothing makes no version."""
        if new_name is not None:
            _check_name(new_name)
        current = self.get_glossary(org, name)
        _check(if_version, current.version, "glossary")
        if new_name in (None, current.name) and description in (None, current.description):
            return current

        def change(session: Session, row: GlossaryRow) -> tuple[GlossaryInfo, _Event]:
            before = {"name": row.name, "description": row.description}
            if new_name not in (None, row.name) and self._find(session, org, new_name) is not None:
                raise AlreadyExists(f"glossary {new_name!r} already exists")
            row.name = new_name or row.name
            row.description = row.description if description is None else description
            after = {"name": row.name, "description": row.description}
            action = "rename" if row.name != before["name"] else "update"
            return self._info(session, row), _Event(action, before=before, after=after)

        info = self._write(org, name, actor, if_version, change)
        self._cache.forget(org, info.name)
        return info

    def delete_glossary(self, org: str, name: str, if_version: int | None = None, *, actor: str) -> None:
        """Delete a glossary with its entries and history."""

        def attempt() -> None:
            with self._session(write=True) as session:
                row = self._glossary(session, org, name)
                _check(if_version, row.version, "glossary")
                deleted = session.execute(
                    delete(GlossaryRow).where(GlossaryRow.id == row.id, GlossaryRow.version == row.version)
                )
                if deleted.rowcount != 1:  # type: ignore[attr-defined]
                    raise _Conflict

        _retrying(attempt)
        self._cache.forget(org, name)
        log.info("glossary %s/%s deleted by %s", org, name, actor)

    # --- entries ---------------------------------------------------------------------------

    def list_entries(
        self,
        org: str,
        name: str,
        q: str | None = None,
        category: str | None = None,
        direction: Direction | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[StoredEntry], int]:
        """A page of entries by source, and the total that match.

        `q` is a case-insensitive substring of the source, aliases, renderings or explanation;
        `direction` keeps the entries that serve it (so "both" entries always match).
        """
        if limit < 1 or offset < 0:
            raise ValueError("limit must be positive and offset not negative")
        with self._session() as session:
            glossary = self._glossary(session, org, name)
            where = [EntryRow.glossary_id == glossary.id]
            if q:
                where.append(EntryRow.search.contains(q.casefold(), autoescape=True))
            if category is not None:
                where.append(EntryRow.category == category)
            if direction is not None:
                where.append(EntryRow.direction.in_({direction.value, Direction.BOTH.value}))
            total = session.scalar(select(func.count()).select_from(EntryRow).where(*where)) or 0
            rows = session.scalars(
                select(EntryRow).where(*where).order_by(EntryRow.source_key, EntryRow.id).limit(limit).offset(offset)
            )
            return [_stored(row) for row in rows], total

    def get_entry(self, org: str, name: str, entry_id: int) -> StoredEntry:
        with self._session() as session:
            return _stored(self._entry(session, self._glossary(session, org, name), entry_id))

    def add_entry(self, org: str, name: str, entry: Entry, actor: str, if_version: int | None = None) -> StoredEntry:
        """Add an entry; `if_version` is the glossary's version."""

        def change(session: Session, glossary: GlossaryRow) -> tuple[StoredEntry, _Event]:
            self._check_source_free(session, glossary, entry)
            row = EntryRow(glossary_id=glossary.id, version=1)
            fill(row, entry)
            session.add(row)
            session.flush()
            return _stored(row), _Event("create", row.id, after=dump(entry))

        stored = self._write(org, name, actor, if_version, change)
        self._cache.forget(org, name)
        return stored

    def update_entry(
        self, org: str, name: str, entry_id: int, entry: Entry, actor: str, if_version: int | None = None
    ) -> StoredEntry:
        """Replace an entry; `if_version` is the entry's version."""

        def change(session: Session, glossary: GlossaryRow) -> tuple[StoredEntry, _Event]:
            row = self._entry(session, glossary, entry_id)
            _check(if_version, row.version, "entry")
            self._check_source_free(session, glossary, entry, entry_id)
            before = dump(entry_of(row))
            fill(row, entry)
            row.version += 1
            session.flush()
            return _stored(row), _Event("update", row.id, before=before, after=dump(entry))

        stored = self._write(org, name, actor, None, change)
        self._cache.forget(org, name)
        return stored

    def delete_entry(self, org: str, name: str, entry_id: int, actor: str, if_version: int | None = None) -> None:
        """Delete an entry; `if_version` is the entry's version."""

        def change(session: Session, glossary: GlossaryRow) -> tuple[None, _Event]:
            row = self._entry(session, glossary, entry_id)
            _check(if_version, row.version, "entry")
            before = dump(entry_of(row))
            session.delete(row)
            session.flush()
            return None, _Event("delete", entry_id, before=before)

        self._write(org, name, actor, None, change)
        self._cache.forget(org, name)

    # --- history, import, export -------------------------------------------------------------

    def history(self, org: str, name: str) -> list[HistoryItem]:
        """Every version, newest first."""
        with self._session() as session:
            glossary = self._glossary(session, org, name)
            rows = session.scalars(
                select(HistoryRow).where(HistoryRow.glossary_id == glossary.id).order_by(HistoryRow.version.desc())
            )
            return [HistoryItem(r.version, r.actor, r.at, r.action, r.entry_id, r.before, r.after) for r in rows]

    def restore(self, org: str, name: str, version: int, actor: str) -> ImportReport:
        """Make the entries what they were at `version`, as a new version."""

        def change(session: Session, glossary: GlossaryRow) -> tuple[ImportReport, _Event | None]:
            snapshot = session.scalar(
                select(HistoryRow.snapshot).where(HistoryRow.glossary_id == glossary.id, HistoryRow.version == version)
            )
            if snapshot is None:
                raise NotFound(f"glossary {name!r} has no version {version}")
            steps = plan(self._rows(session, glossary), [Entry.model_validate(e) for e in snapshot], replace=True)
            return _apply(session, glossary, steps), _event_if_changed(steps, "restore", {"version": version})

        report = self._write(org, name, actor, None, change)
        self._cache.forget(org, name)
        return report

    def import_entries(
        self,
        org: str,
        name: str,
        entries: Sequence[Entry],
        actor: str,
        *,
        dry_run: bool,
        mode: Literal["merge", "replace"] = "merge",
        if_version: int | None = None,
    ) -> ImportReport:
        """All or nothing: "merge" adds and updates by source; "replace" also removes the rest."""

        def change(session: Session, glossary: GlossaryRow) -> tuple[ImportReport, _Event | None]:
            steps = plan(self._rows(session, glossary), entries, replace=mode == "replace")
            if dry_run:
                return steps.report, None
            return _apply(session, glossary, steps), _event_if_changed(steps, "import", {"mode": mode})

        report = self._write(org, name, actor, if_version, change)
        self._cache.forget(org, name)
        return report

    def export_entries(self, org: str, name: str) -> list[Entry]:
        """Every entry, in the order they were added."""
        with self._session() as session:
            return [entry_of(row) for row in self._rows(session, self._glossary(session, org, name))]

    # --- layers ------------------------------------------------------------------------------

    def layers(self, org: str, names: Sequence[str]) -> list[Layer]:
        """The named glossaries as layers, in the order given; cached, and at most `cache_ttl` seconds stale."""
        heads = {name: self._cache.head(org, name) for name in names}
        found = {name: self._cache.layer(*head) for name, head in heads.items() if head is not None}
        ready = {name: layer for name, layer in found.items() if layer is not None}
        missing = [name for name in heads if name not in ready]
        if missing:
            with self._session() as session:
                stale = [name for name in missing if heads[name] is None]
                query = select(GlossaryRow.name, GlossaryRow.id, GlossaryRow.version).where(
                    GlossaryRow.org == org, GlossaryRow.name.in_(stale)
                )
                for glossary_name, glossary_id, version in session.execute(query):
                    self._cache.remember_head(org, glossary_name, glossary_id, version)
                    heads[glossary_name] = (glossary_id, version)
                for name in missing:
                    ready[name] = self._layer(session, name, heads[name])
        return [ready[name] for name in names]

    def _layer(self, session: Session, name: str, head: tuple[int, int] | None) -> Layer:
        if head is None:
            raise NotFound(f"no glossary named {name!r}")
        layer = self._cache.layer(*head)
        if layer is None:
            rows = session.scalars(select(EntryRow).where(EntryRow.glossary_id == head[0]).order_by(EntryRow.id))
            layer = Layer(glossary_label(name), tuple(entry_of(row) for row in rows))
            self._cache.remember_layer(*head, layer)
        return layer

    # --- API keys ----------------------------------------------------------------------------

    def create_key(self, org: str, name: str, scopes: Sequence[str]) -> tuple[str, str]:
        """A new key: (prefix, secret). Show the secret once; only its hash is kept."""
        with self._session(write=True) as session:
            return keys.create_key(session, org, name, scopes)

    def list_keys(self, org: str | None = None) -> list[ApiKeyInfo]:
        with self._session() as session:
            return keys.list_keys(session, org)

    def revoke_key(self, prefix: str) -> None:
        with self._session(write=True) as session:
            keys.revoke_key(session, prefix)
        self._keys.forget_prefix(prefix)

    def authenticate(self, secret: str) -> ApiKeyInfo | None:
        """The live key whose secret this is, or None; see :class:`KeyCache` for what is cached and why."""
        digest = keys.hash_secret(secret)
        cached = self._keys.fresh(digest)
        if cached is not None:
            return cached
        try:
            with self._session() as session:
                info = keys.authenticate(session, secret)
        except StoreUnavailable:
            cached = self._keys.within_grace(digest)
            if cached is None:
                raise
            return cached
        self._keys.remember(digest, info)
        return info

    # --- plumbing ----------------------------------------------------------------------------

    @contextmanager
    def _unavailable(self) -> Iterator[None]:
        try:
            yield
        except (OperationalError, InterfaceError, InternalError) as exc:
            raise StoreUnavailable(f"the glossary store is unavailable: {exc.orig}") from exc
        except DataError as exc:  # PostgreSQL refuses NUL characters in text, and numbers out of range
            raise InvalidValue(f"the database cannot store this value: {exc.orig}") from exc

    @contextmanager
    def _session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back otherwise."""
        with self._unavailable():
            try:
                bind = self._writer if write else self._engine
                with Session(bind, expire_on_commit=False) as session, session.begin():
                    yield session
            except IntegrityError as exc:  # a concurrent insert of the same name, source or prefix
                raise AlreadyExists(f"already exists: {exc.orig}") from exc

    def _write(
        self,
        org: str,
        name: str,
        actor: str,
        if_version: int | None,
        change: Callable[[Session, GlossaryRow], tuple[T, _Event | None]],
    ) -> T:
        """Run `change` under the glossary's version lock and record it; retried if another writer won."""

        def attempt() -> T:
            outcome: list[T] = []
            try:
                with self._session(write=True) as session:
                    glossary = self._glossary(session, org, name)
                    _check(if_version, glossary.version, "glossary")
                    version = glossary.version + 1
                    bumped = session.execute(
                        update(GlossaryRow)
                        .where(GlossaryRow.id == glossary.id, GlossaryRow.version == glossary.version)
                        .values(version=version, updated_at=_now())
                        .execution_options(synchronize_session=False)
                    )
                    if bumped.rowcount != 1:  # type: ignore[attr-defined]
                        raise _Conflict
                    session.refresh(glossary)
                    result, event = change(session, glossary)
                    outcome.append(result)
                    if event is None:
                        raise _NothingChanged
                    session.add(
                        HistoryRow(
                            glossary_id=glossary.id,
                            version=version,
                            actor=actor,
                            at=glossary.updated_at,
                            action=event.action,
                            entry_id=event.entry_id,
                            before=event.before,
                            after=event.after,
                            snapshot=[dump(entry_of(row)) for row in self._rows(session, glossary)],
                        )
                    )
            except _NothingChanged:
                pass
            return outcome[0]

        return _retrying(attempt)

    def _find(self, session: Session, org: str, name: str) -> GlossaryRow | None:
        return session.scalar(select(GlossaryRow).where(GlossaryRow.org == org, GlossaryRow.name == name))

    def _glossary(self, session: Session, org: str, name: str) -> GlossaryRow:
        row = self._find(session, org, name)
        if row is None:
            raise NotFound(f"no glossary named {name!r}")
        return row

    def _entry(self, session: Session, glossary: GlossaryRow, entry_id: int) -> EntryRow:
        row = session.get(EntryRow, entry_id)
        if row is None or row.glossary_id != glossary.id:
            raise NotFound(f"glossary {glossary.name!r} has no entry {entry_id}")
        return row

    def _rows(self, session: Session, glossary: GlossaryRow) -> list[EntryRow]:
        return list(session.scalars(select(EntryRow).where(EntryRow.glossary_id == glossary.id).order_by(EntryRow.id)))

    def _check_source_free(self, session: Session, glossary: GlossaryRow, entry: Entry, entry_id: int = 0) -> None:
        taken = session.scalar(
            select(EntryRow.id).where(
                EntryRow.glossary_id == glossary.id,
                EntryRow.source_key == source_key(entry.source),
                EntryRow.id != entry_id,
            )
        )
        if taken is not None:
            raise AlreadyExists(f"glossary {glossary.name!r} already has an entry for {entry.source!r} (id {taken})")

    def _info(self, session: Session, row: GlossaryRow) -> GlossaryInfo:
        count = session.scalar(select(func.count()).select_from(EntryRow).where(EntryRow.glossary_id == row.id))
        return _info(row, count or 0)


def _now() -> datetime:
    return datetime.now(UTC)


def _check_name(name: str) -> None:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"invalid glossary name {name!r}: use 1-100 letters, digits, '.', '_' or '-'")


def _check(expected: int | None, actual: int, what: str) -> None:
    if expected is not None and expected != actual:
        raise PreconditionFailed(f"the {what} is at version {actual}, not {expected}")


def _retrying(attempt: Callable[[], T]) -> T:
    for _ in range(_ATTEMPTS):
        try:
            return attempt()
        except _Conflict:
            continue
    raise StoreUnavailable("too many concurrent writes to this glossary: try again")


def _apply(session: Session, glossary: GlossaryRow, steps: Plan) -> ImportReport:
    for row in steps.remove:
        session.delete(row)
    session.flush()  # removals first, so that a re-added source does not collide
    for row, entry in steps.update:
        fill(row, entry)
        row.version += 1
    for entry in steps.add:
        new = EntryRow(glossary_id=glossary.id, version=1)
        fill(new, entry)
        session.add(new)
    session.flush()
    return steps.report


def _event_if_changed(steps: Plan, action: str, details: dict[str, Any]) -> _Event | None:
    if not steps.report.changed:
        return None
    return _Event(action, after={**details, **vars(steps.report)})


def _info(row: GlossaryRow, entry_count: int) -> GlossaryInfo:
    return GlossaryInfo(row.name, row.description, row.version, entry_count, row.created_at, row.updated_at)


def _stored(row: EntryRow) -> StoredEntry:
    return StoredEntry(row.id, row.version, entry_of(row))
