"""Concurrent writers on one glossary, through the HTTP API, on SQLite and on PostgreSQL.

8 writers x 200 edits of the same entry, each with If-Match of the version it read: every write
either lands (200) or gets 412; the versions the landed writes got are exactly 2..N+1 (no two
writers won from the same version, so no update was lost); the entry holds the last one's text;
the history has one version per landed write plus the creation. Then concurrent imports of the
same glossary with If-Match of the starting version: one wins whole, the others fail whole.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings

WRITERS = 8
EDITS = 200
IMPORTERS = 8
IMPORT_ROWS = 60
ENTRY = {"source": "pod", "renderings": ["shop server"], "explanation": "Ours.", "direction": "it_to_business"}


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, local_mode=True,
                        rate_limit_per_minute=0, glossary_cache_ttl=0)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def etag(response: Any) -> str:
    value: str = response.headers["ETag"]
    return value


@pytest.mark.timeout(300)
def test_concurrent_edits_lose_nothing(client: TestClient) -> None:
    assert client.post("/v1/glossaries", json={"name": "ops"}).status_code == 201
    created = client.post("/v1/glossaries/ops/entries", json=ENTRY)
    assert created.status_code == 201
    entry_id = created.json()["id"]
    url = f"/v1/glossaries/ops/entries/{entry_id}"
    start = threading.Barrier(WRITERS)

    def writer(index: int) -> list[tuple[int, int, str]]:
        """(status, version it got, rendering) for each of this writer's edits."""
        results = []
        start.wait()
        for edit in range(EDITS):
            current = client.get(url)
            assert current.status_code == 200, current.text
            rendering = f"writer {index} edit {edit}"
            response = client.put(url, json={**ENTRY, "renderings": [rendering]},
                                  headers={"If-Match": etag(current)})
            assert response.status_code in (200, 412), (response.status_code, response.text)
            version = response.json()["version"] if response.status_code == 200 else 0
            if response.status_code == 200:
                assert etag(response) == f'"{version}"'
            else:
                assert response.json()["error"]["code"] == "precondition_failed"
            results.append((response.status_code, version, rendering))
        return results

    began = time.perf_counter()
    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = [r for rs in pool.map(writer, range(WRITERS)) for r in rs]
    elapsed = time.perf_counter() - began

    landed = sorted((version, rendering) for status, version, rendering in outcomes if status == 200)
    refused = sum(status == 412 for status, _, _ in outcomes)
    print(f"\n{len(outcomes)} edits in {elapsed:.1f} s: {len(landed)} landed, {refused} got 412")
    assert len(outcomes) == WRITERS * EDITS
    assert landed, "no edit ever landed"
    # Every landed write got its own version, one after another: none overwrote another unseen.
    assert [v for v, _ in landed] == list(range(2, len(landed) + 2))

    final = client.get(url).json()
    assert final["version"] == len(landed) + 1
    assert final["renderings"] == [landed[-1][1]]

    history = client.get("/v1/glossaries/ops/history").json()
    assert len(history) == 1 + 1 + len(landed)  # the creation, the entry added, each landed edit
    assert [h["version"] for h in history] == list(range(len(history), 0, -1))
    edits = sorted((h for h in history if h["action"] == "update"), key=lambda h: h["version"])
    assert [h["after"]["renderings"] for h in edits] == [[r] for _, r in landed]
    assert client.get("/v1/glossaries/ops").json()["version"] == len(history)


def csv_for(writer: int) -> bytes:
    rows = [f"term{k},writer {writer} rendering {k},From writer {writer}." for k in range(IMPORT_ROWS)]
    return ("source,renderings,explanation\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.timeout(120)
def test_concurrent_imports_one_wins_whole(client: TestClient) -> None:
    created = client.post("/v1/glossaries", json={"name": "ops"})
    assert created.status_code == 201
    assert client.post("/v1/glossaries/ops/entries", json=ENTRY).status_code == 201
    start_version = client.get("/v1/glossaries/ops").json()["version"]
    start = threading.Barrier(IMPORTERS)

    def importer(index: int) -> int:
        start.wait()
        response = client.post("/v1/glossaries/ops/import?format=csv&mode=replace", content=csv_for(index),
                               headers={"If-Match": f'"{start_version}"'})
        assert response.status_code in (200, 412), response.text
        if response.status_code == 200:
            assert response.json()["added"] == IMPORT_ROWS and response.json()["removed"] == 1
        return response.status_code

    with ThreadPoolExecutor(IMPORTERS) as pool:
        statuses = list(pool.map(importer, range(IMPORTERS)))
    assert statuses.count(200) == 1 and statuses.count(412) == IMPORTERS - 1, statuses
    winner = statuses.index(200)

    entries = client.get("/v1/glossaries/ops/entries?limit=500").json()
    assert entries["total"] == IMPORT_ROWS
    assert {tuple(e["renderings"]) for e in entries["items"]} == {
        (f"writer {winner} rendering {k}",) for k in range(IMPORT_ROWS)
    }
    history = client.get("/v1/glossaries/ops/history").json()
    assert [h["action"] for h in history] == ["import", "create", "create"]
    assert client.get("/v1/glossaries/ops").json()["version"] == start_version + 1


@pytest.mark.timeout(120)
def test_concurrent_imports_without_a_precondition_each_land_whole(client: TestClient) -> None:
    """Without If-Match every import lands, one after another; the last leaves its whole set."""
    assert client.post("/v1/glossaries", json={"name": "ops"}).status_code == 201

    def importer(index: int) -> int:
        response = client.post("/v1/glossaries/ops/import?format=csv&mode=replace", content=csv_for(index))
        return response.status_code

    with ThreadPoolExecutor(IMPORTERS) as pool:
        statuses = list(pool.map(importer, range(IMPORTERS)))
    assert statuses == [200] * IMPORTERS
    entries = client.get("/v1/glossaries/ops/entries?limit=500").json()["items"]
    writers = {e["explanation"] for e in entries}
    assert len(entries) == IMPORT_ROWS and len(writers) == 1, writers
    history = client.get("/v1/glossaries/ops/history").json()
    assert len(history) == 1 + IMPORTERS
    last = history[0]
    assert last["action"] == "import"
