"""Fault injection, database half: the glossary store unreachable, or read-only.

Translation keeps answering with the built-in glossary (and says so when the caller asked for its
own glossaries); glossary writes get a clear 503 store_unavailable; /readyz says 503 when the
database cannot be reached; and nothing stored changes (checked by reopening the database).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from glossary import Entry
from glossary.store import Store
from service.app import create_app
from service.settings import Settings

UNAVAILABLE = "The glossary store is unavailable; only the built-in glossary was used."
TEXT = "Two pods restarted at 09:10 and p99 latency rose 40%."
ENTRY = {"source": "pod", "renderings": ["shop server"], "explanation": "Ours.", "direction": "it_to_business"}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # nothing listens on it once the socket is closed


def client_for(tmp_path: Path, url: str) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data", database_url=url, local_mode=True, rate_limit_per_minute=0)
    return TestClient(create_app(settings))


def writes(client: TestClient) -> list[tuple[str, Any]]:
    """Every kind of glossary write, each with what it returned."""
    calls = [
        ("create", client.post("/v1/glossaries", json={"name": "new"})),
        ("patch", client.patch("/v1/glossaries/ops", json={"description": "changed"})),
        ("add entry", client.post("/v1/glossaries/ops/entries", json={**ENTRY, "source": "node"})),
        ("update entry", client.put("/v1/glossaries/ops/entries/1", json={**ENTRY, "renderings": ["x"]})),
        ("delete entry", client.delete("/v1/glossaries/ops/entries/1")),
        ("import", client.post("/v1/glossaries/ops/import?format=csv", content=b"source,renderings\nvm,computer\n")),
        ("restore", client.post("/v1/glossaries/ops/history/1/restore")),
        ("delete", client.delete("/v1/glossaries/ops")),
        ("create key", client.post("/v1/keys", json={"name": "k", "scopes": ["read"]})),
    ]
    return calls


def assert_store_unavailable(calls: list[tuple[str, Any]]) -> None:
    for what, response in calls:
        assert response.status_code == 503, (what, response.status_code, response.text)
        error = response.json()["error"]
        assert error["code"] == "store_unavailable", (what, error)
        assert error["message"] and "Traceback" not in response.text


def test_database_unreachable(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://jargon:jargon@127.0.0.1:{closed_port()}/jargon?connect_timeout=2"
    with client_for(tmp_path, url) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["error"]["code"] == "store_unavailable"

        plain = client.post("/v1/translate", json={"text": TEXT})
        assert plain.status_code == 200, plain.text
        assert plain.json()["warnings"] == [] or UNAVAILABLE not in plain.json()["warnings"]
        assert any(t["layer"] == "builtin" for t in plain.json()["terms"])

        asked = client.post("/v1/translate", json={"text": TEXT, "glossaries": ["ops"]})
        assert asked.status_code == 200, asked.text
        body = asked.json()
        assert UNAVAILABLE in body["warnings"]
        assert body["text"] == plain.json()["text"] and "09:10" in body["text"] and "40%" in body["text"]

        analysed = client.post("/v1/analyze", json={"text": TEXT, "glossaries": ["ops"]})
        assert analysed.status_code == 200, analysed.text
        batch = client.post("/v1/translate/batch", json={"items": [{"text": TEXT, "glossaries": ["ops"]}]})
        assert batch.status_code == 200 and UNAVAILABLE in batch.json()["results"][0]["result"]["warnings"]
        email = client.post("/v1/email/rewrite", json={"body": TEXT, "glossaries": ["ops"]})
        assert email.status_code == 200 and UNAVAILABLE in email.json()["warnings"]

        assert_store_unavailable(writes(client))
        for path in ("/v1/glossaries", "/v1/glossaries/ops", "/v1/glossaries/ops/entries", "/v1/keys"):
            read = client.get(path)
            assert read.status_code == 503 and read.json()["error"]["code"] == "store_unavailable", path


def snapshot(store: Store) -> tuple[Any, ...]:
    info = store.get_glossary("local", "ops")
    entries, total = store.list_entries("local", "ops", limit=500)
    history = store.history("local", "ops")
    return info, [(e.id, e.version, e.entry) for e in entries], total, history, store.list_glossaries("local")


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[tuple[Path, tuple[Any, ...]]]:
    """A SQLite database with one glossary (one entry) and its snapshot."""
    path = tmp_path / "db" / "jargon.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    store.create_glossary("local", "ops", "ours", "test")
    store.add_entry("local", "ops", Entry.model_validate(ENTRY), "test")
    before = snapshot(store)
    store.close()
    yield path, before


def test_database_read_only(tmp_path: Path, filled: tuple[Path, tuple[Any, ...]]) -> None:
    path, before = filled
    # mode=ro: the driver refuses every write, even for root (for whom chmod would not).
    with client_for(tmp_path, f"sqlite:///file:{path}?mode=ro&uri=true") as client:
        assert client.get("/healthz").status_code == 200
        result = client.post("/v1/translate", json={"text": TEXT, "glossaries": ["ops"]})
        assert result.status_code == 200, result.text
        assert "shop servers" in result.json()["text"]  # reads still work: the glossary applies
        assert client.get("/v1/glossaries/ops").json()["version"] == before[0].version

        assert_store_unavailable(writes(client))

    reopened = Store(f"sqlite:///{path}")
    try:
        assert snapshot(reopened) == before
        assert [g.name for g in reopened.list_glossaries("local")] == ["ops"]
        assert reopened.list_keys() == []
    finally:
        reopened.close()


def test_database_file_read_only_by_permissions(tmp_path: Path, filled: tuple[Path, tuple[Any, ...]]) -> None:
    path, before = filled
    for file in path.parent.iterdir():
        file.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        probe = path.parent / "probe"
        try:
            probe.touch()
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("running as root: permissions do not stop writes (the mode=ro test covers this)")
        with client_for(tmp_path, f"sqlite:///{path}") as client:
            assert client.post("/v1/translate", json={"text": TEXT}).status_code == 200
            assert_store_unavailable(writes(client))
    finally:
        path.parent.chmod(0o755)
        for file in path.parent.iterdir():
            file.chmod(0o644)
    reopened = Store(f"sqlite:///{path}")
    try:
        assert snapshot(reopened) == before
    finally:
        reopened.close()


def test_known_keys_keep_translating_through_an_outage(tmp_path: Path) -> None:
    """API-key mode: a key verified before the database went away still translates (within the
    grace period); an unknown key cannot be checked (503), and writes fail whole (503)."""
    path = tmp_path / "db" / "jargon.db"
    seed = Store(f"sqlite:///{path}")
    seed.migrate()
    _, secret = seed.create_key("acme", "ci", ["write"])
    _, other = seed.create_key("acme", "other", ["read"])
    seed.close()
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{path}", rate_limit_per_minute=0,
                        key_cache_ttl=0.0, key_outage_grace=60.0)
    with TestClient(create_app(settings)) as client:
        auth = {"Authorization": f"Bearer {secret}"}
        assert client.post("/v1/translate", json={"text": TEXT}, headers=auth).status_code == 200
        client.app.state.store.close()  # type: ignore[attr-defined]  # drop pooled connections
        path.rename(path.with_suffix(".moved"))
        path.mkdir()  # a directory where the file was: SQLite cannot open it, even as root

        during = client.post("/v1/translate", json={"text": TEXT}, headers=auth)
        assert during.status_code == 200, during.text
        assert "09:10" in during.json()["text"]
        unknown = client.post("/v1/translate", json={"text": TEXT}, headers={"Authorization": f"Bearer {other}"})
        assert unknown.status_code == 503 and unknown.json()["error"]["code"] == "store_unavailable"
        write = client.post("/v1/glossaries", json={"name": "new"}, headers=auth)
        assert write.status_code == 503 and write.json()["error"]["code"] == "store_unavailable"

    path.rmdir()
    path.with_suffix(".moved").rename(path)
    assert Store(f"sqlite:///{path}").list_glossaries("acme") == []  # nothing was written


def test_a_revoked_key_stops_at_once_in_the_process_that_revoked_it(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'keys.db'}", key_cache_ttl=3600.0)
    store.migrate()
    prefix, secret = store.create_key("acme", "ci", ["read"])
    assert store.authenticate(secret) is not None
    assert store.authenticate(secret) is not None  # from the cache
    store.revoke_key(prefix)
    assert store.authenticate(secret) is None
    assert store.authenticate(secret + "x") is None
