"""The glossary store, on SQLite and (with JARGON_TEST_POSTGRES_URL, from scripts/postgres-test.sh) PostgreSQL."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import make_url

from glossary.entry import Direction, Entry, Mode
from glossary.io import FORMATS, Format, ImportProblems, read_entries, write_entries
from glossary.store import (
    AlreadyExists,
    ImportReport,
    NotFound,
    PreconditionFailed,
    Store,
    StoreUnavailable,
)
from glossary.store.engine import make_engine
from glossary.store.entries import fill
from glossary.store.models import Base, EntryRow

POSTGRES_URL = os.environ.get("JARGON_TEST_POSTGRES_URL")
ORG, OTHER = "acme", "globex"


def entry(source: str, *renderings: str, **fields: object) -> Entry:
    return Entry.model_validate({"source": source, "renderings": renderings or (f"plain {source}",), **fields})




@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store(database_url)
    opened.migrate()
    yield opened
    opened.close()


@pytest.fixture
def filled(store: Store) -> Store:
    store.create_glossary(ORG, "ops", "Operations terms", "alice")
    store.add_entry(ORG, "ops", entry("MTTR", "time to recover", category="incidents"), "alice")
    store.add_entry(ORG, "ops", entry("SLA", "service promise", direction=Direction.IT_TO_BUSINESS), "alice")
    store.add_entry(ORG, "ops", entry("Kubernetes", mode=Mode.KEEP, renderings=()), "alice")
    return store


def sources(store: Store, name: str = "ops", org: str = ORG) -> list[str]:
    return [e.source for e in store.export_entries(org, name)]


def test_migrations_match_the_models(store: Store, database_url: str) -> None:
    store.migrate()  # a second run is a no-op
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_glossary_crud(store: Store) -> None:
    created = store.create_glossary(ORG, "ops", "Operations", "alice")
    assert (created.name, created.description, created.version, created.entry_count) == ("ops", "Operations", 1, 0)
    assert created.created_at.tzinfo is not None
    with pytest.raises(AlreadyExists):
        store.create_glossary(ORG, "ops", "", "bob")
    with pytest.raises(ValueError):
        store.create_glossary(ORG, "../etc", "", "bob")
    store.create_glossary(ORG, "brand", "", "alice")
    assert [g.name for g in store.list_glossaries(ORG)] == ["brand", "ops"]

    updated = store.update_glossary(ORG, "ops", description="Ops and SRE", actor="bob")
    assert (updated.description, updated.version) == ("Ops and SRE", 2)
    assert store.update_glossary(ORG, "ops", description="Ops and SRE", actor="bob").version == 2  # no change
    with pytest.raises(AlreadyExists):
        store.update_glossary(ORG, "ops", new_name="brand", actor="bob")
    renamed = store.update_glossary(ORG, "ops", new_name="operations", if_version=2, actor="bob")
    assert (renamed.name, renamed.version) == ("operations", 3)
    with pytest.raises(NotFound):
        store.get_glossary(ORG, "ops")
    assert [h.action for h in store.history(ORG, "operations")] == ["rename", "update", "create"]

    store.delete_glossary(ORG, "operations", if_version=3, actor="bob")
    with pytest.raises(NotFound):
        store.get_glossary(ORG, "operations")
    assert [g.name for g in store.list_glossaries(ORG)] == ["brand"]


def test_entry_crud_and_search(filled: Store) -> None:
    page, total = filled.list_entries(ORG, "ops")
    assert total == 3 and [s.entry.source for s in page] == ["Kubernetes", "MTTR", "SLA"]
    assert filled.get_glossary(ORG, "ops").entry_count == 3

    assert [s.entry.source for s in filled.list_entries(ORG, "ops", q="RECOVER")[0]] == ["MTTR"]
    assert [s.entry.source for s in filled.list_entries(ORG, "ops", q="100%")[0]] == []
    assert [s.entry.source for s in filled.list_entries(ORG, "ops", category="incidents")[0]] == ["MTTR"]
    serving = filled.list_entries(ORG, "ops", direction=Direction.BUSINESS_TO_IT)[0]
    assert [s.entry.source for s in serving] == ["Kubernetes", "MTTR"]
    second, total = filled.list_entries(ORG, "ops", limit=1, offset=1)
    assert total == 3 and [s.entry.source for s in second] == ["MTTR"]

    mttr = filled.list_entries(ORG, "ops", q="mttr")[0][0]
    assert filled.get_entry(ORG, "ops", mttr.id) == mttr and mttr.version == 1
    changed = filled.update_entry(ORG, "ops", mttr.id, entry("MTTR", "time to fix"), "bob", if_version=1)
    assert (changed.version, changed.entry.renderings) == (2, ("time to fix",))
    with pytest.raises(AlreadyExists):
        filled.add_entry(ORG, "ops", entry("mttr"), "bob")  # sources are unique regardless of case
    with pytest.raises(AlreadyExists):
        filled.update_entry(ORG, "ops", mttr.id, entry("sla"), "bob")
    filled.delete_entry(ORG, "ops", mttr.id, "bob", if_version=2)
    with pytest.raises(NotFound):
        filled.get_entry(ORG, "ops", mttr.id)
    assert sources(filled) == ["SLA", "Kubernetes"]


def test_organisations_are_isolated(filled: Store) -> None:
    ops_entry = filled.list_entries(ORG, "ops")[0][0]
    assert filled.list_glossaries(OTHER) == []
    for attempt in (
        lambda: filled.get_glossary(OTHER, "ops"),
        lambda: filled.list_entries(OTHER, "ops"),
        lambda: filled.get_entry(OTHER, "ops", ops_entry.id),
        lambda: filled.add_entry(OTHER, "ops", entry("x"), "mallory"),
        lambda: filled.delete_entry(OTHER, "ops", ops_entry.id, "mallory"),
        lambda: filled.update_glossary(OTHER, "ops", description="mine", actor="mallory"),
        lambda: filled.delete_glossary(OTHER, "ops", actor="mallory"),
        lambda: filled.history(OTHER, "ops"),
        lambda: filled.export_entries(OTHER, "ops"),
        lambda: filled.layers(OTHER, ["ops"]),
    ):
        with pytest.raises(NotFound):
            attempt()
    filled.create_glossary(OTHER, "ops", "their own", "olga")
    with pytest.raises(NotFound):  # an entry id from another organisation's glossary
        filled.get_entry(OTHER, "ops", ops_entry.id)
    assert sources(filled, org=OTHER) == [] and len(sources(filled)) == 3


def test_stale_versions_are_refused(filled: Store) -> None:
    version = filled.get_glossary(ORG, "ops").version
    sla = filled.list_entries(ORG, "ops", q="sla")[0][0]
    for stale_write in (
        lambda: filled.update_glossary(ORG, "ops", description="x", if_version=version - 1, actor="bob"),
        lambda: filled.add_entry(ORG, "ops", entry("RTO"), "bob", if_version=version - 1),
        lambda: filled.update_entry(ORG, "ops", sla.id, entry("SLA", "x"), "bob", if_version=sla.version + 1),
        lambda: filled.delete_entry(ORG, "ops", sla.id, "bob", if_version=sla.version + 1),
        lambda: filled.import_entries(ORG, "ops", [entry("RTO")], "bob", dry_run=False, if_version=version - 1),
        lambda: filled.delete_glossary(ORG, "ops", if_version=version - 1, actor="bob"),
    ):
        with pytest.raises(PreconditionFailed):
            stale_write()
    assert filled.get_glossary(ORG, "ops").version == version
    assert filled.get_entry(ORG, "ops", sla.id) == sla


def test_history_and_restore(filled: Store) -> None:
    items = filled.history(ORG, "ops")
    assert [h.version for h in items] == [4, 3, 2, 1]
    assert [h.action for h in items] == ["create", "create", "create", "create"]
    assert items[0].after is not None and items[0].after["source"] == "Kubernetes" and items[0].actor == "alice"
    sla = filled.list_entries(ORG, "ops", q="sla")[0][0]
    filled.update_entry(ORG, "ops", sla.id, entry("SLA", "uptime promise"), "bob")
    filled.import_entries(
        ORG, "ops", [entry("SLA", "uptime promise"), entry("RTO")], "carol", dry_run=False, mode="replace"
    )
    assert sources(filled) == ["SLA", "RTO"]
    latest = filled.history(ORG, "ops")[:2]
    assert [(h.version, h.action, h.actor) for h in latest] == [(6, "import", "carol"), (5, "update", "bob")]
    assert latest[1].before is not None and latest[1].before["renderings"] == ["service promise"]

    report = filled.restore(ORG, "ops", 3, "dave")
    assert report == ImportReport(added=1, updated=1, unchanged=0, removed=1)
    assert sorted(sources(filled)) == ["MTTR", "SLA"]
    assert filled.get_entry(ORG, "ops", sla.id).entry.renderings == ("service promise",)
    top = filled.history(ORG, "ops")[0]
    assert (top.version, top.action, top.actor) == (7, "restore", "dave")
    assert filled.restore(ORG, "ops", 3, "dave") == ImportReport(unchanged=2)  # nothing to do: no new version
    assert filled.get_glossary(ORG, "ops").version == 7
    with pytest.raises(NotFound):
        filled.restore(ORG, "ops", 99, "dave")


def test_import_merge_replace_and_dry_run(filled: Store) -> None:
    incoming = [entry("MTTR", "time to recover", category="incidents"), entry("SLA", "uptime promise"), entry("RTO")]

    def state() -> tuple[object, ...]:
        return filled.get_glossary(ORG, "ops"), filled.export_entries(ORG, "ops"), filled.history(ORG, "ops")

    before = state()
    merged = filled.import_entries(ORG, "ops", incoming, "bob", dry_run=True, mode="merge")
    assert merged == ImportReport(added=1, updated=1, unchanged=1, removed=0)
    assert state() == before
    replaced = filled.import_entries(ORG, "ops", incoming, "bob", dry_run=True, mode="replace")
    assert replaced == ImportReport(added=1, updated=1, unchanged=1, removed=1)
    assert state() == before
    assert filled.import_entries(ORG, "ops", incoming, "bob", dry_run=False, mode="replace").removed == 1
    assert sources(filled) == ["MTTR", "SLA", "RTO"]
    assert filled.import_entries(ORG, "ops", incoming, "bob", dry_run=False) == ImportReport(unchanged=3)


def test_a_bad_row_imports_nothing(filled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (filled.get_glossary(ORG, "ops"), filled.export_entries(ORG, "ops"))
    data = b"source,renderings,mode\nRTO,recovery time,replace\nbroken,,replace\nRPO,data loss window,replace\n"
    with pytest.raises(ImportProblems) as caught:
        filled.import_entries(ORG, "ops", read_entries(data, "csv"), "bob", dry_run=False)
    assert [p.row for p in caught.value.problems] == [2]
    with pytest.raises(ImportProblems) as caught:
        filled.import_entries(ORG, "ops", [entry("RTO"), entry("rto")], "bob", dry_run=False)
    assert [p.row for p in caught.value.problems] == [2]

    def failing_fill(row: EntryRow, new: Entry) -> None:
        if new.source == "RPO":
            raise RuntimeError("disk on fire")
        fill(row, new)

    monkeypatch.setattr("glossary.store.store.fill", failing_fill)
    with pytest.raises(RuntimeError):
        filled.import_entries(ORG, "ops", [entry("MTTR", "x"), entry("RTO"), entry("RPO")], "bob", dry_run=False)
    assert (filled.get_glossary(ORG, "ops"), filled.export_entries(ORG, "ops")) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_import_export_through_the_store(filled: Store, fmt: Format) -> None:
    filled.add_entry(ORG, "ops", entry("p|99", "slowest | requests", explanation='a "b"\nc', category=""), "alice")
    exported = write_entries(filled.export_entries(ORG, "ops"), fmt)
    filled.create_glossary(ORG, "copy", "", "alice")
    report = filled.import_entries(ORG, "copy", read_entries(exported, fmt), "alice", dry_run=False, mode="replace")
    assert report.added == 4
    assert write_entries(filled.export_entries(ORG, "copy"), fmt) == exported
    assert filled.export_entries(ORG, "copy") == filled.export_entries(ORG, "ops")


def test_layers_are_cached_and_revalidated_across_processes(filled: Store, database_url: str) -> None:
    ttl = 0.5
    reader, writer = Store(database_url, cache_ttl=ttl), Store(database_url, cache_ttl=ttl)
    filled.create_glossary(ORG, "brand", "", "alice")
    first = reader.layers(ORG, ["brand", "ops"])
    assert [layer.label for layer in first] == ["glossary:brand", "glossary:ops"]
    assert [e.source for e in first[1].entries] == ["MTTR", "SLA", "Kubernetes"]
    assert reader.layers(ORG, ["brand", "ops"])[1] is first[1]  # cached: the same object

    writer.add_entry(ORG, "ops", entry("RTO"), "bob")  # another process
    written = time.monotonic()
    while "RTO" not in [e.source for e in reader.layers(ORG, ["ops"])[0].entries]:
        assert time.monotonic() - written < ttl + 0.5, "the edit was not seen within the cache TTL"
        time.sleep(0.02)
    assert reader.layers(ORG, ["brand"])[0] is first[0]  # unchanged glossaries stay compiled

    reader.add_entry(ORG, "brand", entry("Acme Cloud", mode=Mode.KEEP, renderings=()), "bob")
    assert [e.source for e in reader.layers(ORG, ["brand"])[0].entries] == ["Acme Cloud"]  # own writes: at once
    with pytest.raises(NotFound):
        reader.layers(ORG, ["ops", "nope"])
    reader.close()
    writer.close()


def test_concurrent_edits_lose_nothing(filled: Store) -> None:
    shared = filled.list_entries(ORG, "ops", q="sla")[0][0]
    start_version = filled.get_glossary(ORG, "ops").version
    landed = {"add": 0, "update": 0, "blind": 0}
    refused = 0
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        nonlocal refused
        for step in range(25):
            try:
                if step % 5 == 4:  # no precondition: must always land
                    filled.add_entry(ORG, "ops", entry(f"blind {number}-{step}"), f"t{number}")
                    kind = "blind"
                elif step % 2:
                    current = filled.get_entry(ORG, "ops", shared.id)
                    renderings = (*current.entry.renderings, f"r{number}-{step}")
                    filled.update_entry(
                        ORG, "ops", shared.id, entry("SLA", *renderings), f"t{number}", if_version=current.version
                    )
                    kind = "update"
                else:
                    version = filled.get_glossary(ORG, "ops").version
                    filled.add_entry(ORG, "ops", entry(f"term {number}-{step}"), f"t{number}", if_version=version)
                    kind = "add"
            except PreconditionFailed:
                with lock:
                    refused += 1
                continue
            except BaseException as exc:
                errors.append(exc)
                raise
            with lock:
                landed[kind] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    writes = sum(landed.values())
    assert writes + refused == 8 * 25 and landed["blind"] == 8 * 5 and landed["add"] > 0 and landed["update"] > 0
    final = filled.get_glossary(ORG, "ops")
    assert final.version == start_version + writes
    versions = [h.version for h in filled.history(ORG, "ops")]
    assert sorted(versions) == list(range(1, final.version + 1))
    assert final.entry_count == 3 + landed["add"] + landed["blind"]
    sla = filled.get_entry(ORG, "ops", shared.id)
    assert sla.version == 1 + landed["update"]
    assert len(sla.entry.renderings) == 1 + landed["update"]  # every landed update kept the ones before it


def test_unwritable_sqlite_changes_nothing(filled: Store, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    path = make_url(database_url).database
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert sources(read_only) == ["MTTR", "SLA", "Kubernetes"]
    with pytest.raises(StoreUnavailable):
        read_only.add_entry(ORG, "ops", entry("RTO"), "bob")
    with pytest.raises(StoreUnavailable):
        read_only.create_key(ORG, "ci", ["read"])
    read_only.close()
    assert sources(filled) == ["MTTR", "SLA", "Kubernetes"] and filled.get_glossary(ORG, "ops").version == 4


def test_unreachable_postgres_is_unavailable() -> None:
    down = Store("postgresql+psycopg://jargon:jargon@127.0.0.1:1/nothing?connect_timeout=2")
    with pytest.raises(StoreUnavailable):
        down.get_glossary(ORG, "ops")
    down.close()


def test_api_keys(store: Store) -> None:
    prefix, secret = store.create_key(ORG, "status page", ["write", "read"])
    assert secret.startswith(prefix) and len(prefix) >= 8 and len(secret) > 40
    key = store.authenticate(secret)
    assert key is not None
    assert (key.org, key.name, key.prefix, key.scopes) == (ORG, "status page", prefix, ("read", "write"))
    assert store.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.authenticate(prefix) is None and store.authenticate("") is None
    store.create_key(OTHER, "bot", ["admin"])
    assert [k.prefix for k in store.list_keys(ORG)] == [prefix] and len(store.list_keys()) == 2
    with pytest.raises(ValueError):
        store.create_key(ORG, "bad", ["root"])
    with pytest.raises(ValueError):
        store.create_key(ORG, "none", [])
    store.revoke_key(prefix)
    store.revoke_key(prefix)  # idempotent
    assert store.authenticate(secret) is None
    assert store.list_keys(ORG)[0].revoked_at is not None
    with pytest.raises(NotFound):
        store.revoke_key("jgn_missing")
