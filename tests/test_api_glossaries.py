"""Glossary resources over HTTP: CRUD, ETags, history, import/export, and the override layers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]
POD = {"source": "pod", "renderings": ["shop server"], "explanation": "Our name for a server unit.",
       "direction": "it_to_business"}


def make(client: TestClient, headers: dict[str, str], name: str, *entries: dict[str, object]) -> None:
    assert client.post("/v1/glossaries", headers=headers, json={"name": name}).status_code == 201
    for entry in entries:
        assert client.post(f"/v1/glossaries/{name}/entries", headers=headers, json=entry).status_code == 201


def test_glossary_crud_with_etags(app_client: TestClient, keys: Headers) -> None:
    w = keys["a_write"]
    created = app_client.post("/v1/glossaries", headers=w, json={"name": "ops", "description": "Ops terms"})
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    assert app_client.post("/v1/glossaries", headers=w, json={"name": "ops"}).json()["error"]["code"] == \
        "already_exists"
    entry = app_client.post("/v1/glossaries/ops/entries", headers=w, json=POD)
    assert entry.status_code == 201
    entry_id, version = entry.json()["id"], entry.json()["version"]
    got = app_client.get("/v1/glossaries/ops", headers=w)
    assert got.json()["entry_count"] == 1 and got.headers["ETag"] == '"2"'
    listed = app_client.get("/v1/glossaries/ops/entries?q=shop", headers=w).json()
    assert listed["total"] == 1 and listed["items"][0]["renderings"] == ["shop server"]
    updated = app_client.put(f"/v1/glossaries/ops/entries/{entry_id}", headers={**w, "If-Match": f'"{version}"'},
                             json={**POD, "renderings": ["store server"]})
    assert updated.status_code == 200 and updated.json()["renderings"] == ["store server"]
    stale = app_client.put(f"/v1/glossaries/ops/entries/{entry_id}", headers={**w, "If-Match": f'"{version}"'},
                           json={**POD, "renderings": ["lost update"]})
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "precondition_failed"
    renamed = app_client.patch("/v1/glossaries/ops", headers={**w, "If-Match": '"3"'}, json={"name": "operations"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "operations"
    assert app_client.get("/v1/glossaries/ops", headers=w).status_code == 404
    assert app_client.delete(f"/v1/glossaries/operations/entries/{entry_id}", headers=w).status_code == 204
    assert app_client.delete("/v1/glossaries/operations", headers=w).status_code == 204
    assert app_client.get("/v1/glossaries", headers=w).json() == []


def test_bad_if_match_and_bad_entries(app_client: TestClient, keys: Headers) -> None:
    w = keys["a_write"]
    make(app_client, w, "ops")
    bad = app_client.patch("/v1/glossaries/ops", headers={**w, "If-Match": "yesterday"}, json={"description": "x"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_if_match"
    invalid = app_client.post("/v1/glossaries/ops/entries", headers=w, json={"source": "pod", "mode": "replace"})
    assert invalid.status_code == 422 and "rendering" in invalid.json()["error"]["message"]
    assert app_client.get("/v1/glossaries/ops", headers=w).json()["version"] == 1


def test_history_and_restore(app_client: TestClient, keys: Headers) -> None:
    w = keys["a_write"]
    make(app_client, w, "ops", POD)
    app_client.post("/v1/glossaries/ops/entries", headers=w,
                    json={**POD, "source": "node", "renderings": ["machine"]})
    history = app_client.get("/v1/glossaries/ops/history", headers=w).json()
    assert [h["version"] for h in history] == [3, 2, 1]
    assert history[0]["actor"].startswith("key:") and history[0]["after"]["source"] == "node"
    restored = app_client.post("/v1/glossaries/ops/history/2/restore", headers=w)
    assert restored.status_code == 200 and restored.json()["removed"] == 1
    sources = [e["source"] for e in app_client.get("/v1/glossaries/ops/entries", headers=w).json()["items"]]
    assert sources == ["pod"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "tbx"])
def test_export_import_round_trip(app_client: TestClient, keys: Headers, fmt: str) -> None:
    w = keys["a_write"]
    make(app_client, w, "src", POD, {"source": "Kafka", "mode": "keep", "explanation": "Product name.",
                                     "aliases": ["Apache Kafka"]})
    exported = app_client.get(f"/v1/glossaries/src/export?format={fmt}", headers=w)
    assert exported.status_code == 200
    make(app_client, w, "dst")
    dry = app_client.post(f"/v1/glossaries/dst/import?format={fmt}&dry_run=true", headers=w,
                          content=exported.content)
    assert dry.json() == {"dry_run": True, "added": 2, "updated": 0, "unchanged": 0, "removed": 0}
    assert app_client.get("/v1/glossaries/dst", headers=w).json()["entry_count"] == 0
    done = app_client.post(f"/v1/glossaries/dst/import?format={fmt}", headers=w, content=exported.content)
    assert done.json()["added"] == 2
    again = app_client.get(f"/v1/glossaries/dst/export?format={fmt}", headers=w)
    assert again.content == exported.content


def test_a_bad_row_rejects_the_whole_import(app_client: TestClient, keys: Headers) -> None:
    w = keys["a_write"]
    make(app_client, w, "ops", POD)
    csv = ("source,renderings,explanation,mode\nnode,machine,A machine.,replace\n"
           "cluster,,No rendering.,replace\nshard,piece,A piece.,sideways\n")
    response = app_client.post("/v1/glossaries/ops/import?format=csv", headers=w, content=csv.encode())
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import_invalid" and [p["row"] for p in error["problems"]] == [2, 3]
    assert app_client.get("/v1/glossaries/ops", headers=w).json() | {"updated_at": None, "created_at": None} == {
        "name": "ops", "description": "", "version": 2, "entry_count": 1, "updated_at": None, "created_at": None}


def test_layers_request_over_org_glossaries_in_order_over_builtin(app_client: TestClient, keys: Headers) -> None:
    w = keys["a_write"]
    make(app_client, w, "first", {**POD, "renderings": ["first server"]})
    make(app_client, w, "second", {**POD, "renderings": ["second server"]},
         {"source": "CDN", "renderings": ["delivery network of ours"], "explanation": "Ours.",
          "direction": "it_to_business"})
    text = "The pods and the CDN and the DNS failed."

    def run(**extra: object) -> dict[str, str]:
        body = app_client.post("/v1/translate", headers=w, json={"text": text, **extra}).json()
        return {t["source"]: t["layer"] for t in body["terms"]} | {"text": body["text"]}

    both = run(glossaries=["first", "second"])
    assert both["pods"] == "glossary:first" and both["CDN"] == "glossary:second" and both["DNS"] == "builtin"
    assert "first servers" in both["text"]
    assert run(glossaries=["second", "first"])["pods"] == "glossary:second"
    request = run(glossaries=["first"], terms=[{"source": "pod", "target": "web box"}])
    assert request["pods"] == "request" and "web boxes" in request["text"]


def test_keep_and_forbid(app_client: TestClient, keys: Headers) -> None:
    w = keys["a_write"]
    make(app_client, w, "brand",
         {"source": "Pod", "mode": "keep", "explanation": "Our product, the Pod speaker."},
         {"source": "outage", "mode": "forbid", "renderings": ["service interruption"],
          "explanation": "We say service interruption."})
    body = app_client.post("/v1/translate", headers=w, json={
        "text": "The Pod app had an outage; two pods restarted.", "glossaries": ["brand"]}).json()
    assert body["text"].startswith("The Pod app had a service interruption.")
    assert any("Deprecated term replaced: 'outage'" in x for x in body["warnings"])
    assert {t["source"]: t["layer"] for t in body["terms"]}["outage"] == "glossary:brand"


def test_invalid_glossary_name_is_422(app_client: TestClient, keys: Headers) -> None:
    response = app_client.post("/v1/glossaries", headers=keys["a_write"], json={"name": "../etc/passwd"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"
