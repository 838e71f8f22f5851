"""API keys, scopes and tenant isolation: another organisation's glossary is simply not there."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings

Headers = dict[str, dict[str, str]]
ENTRY = {"source": "pod", "renderings": ["shop server"], "explanation": "Ours."}
# Every route that names a glossary, with a body where it needs one.
GLOSSARY_ROUTES = [
    ("GET", "/v1/glossaries/secret", None),
    ("PATCH", "/v1/glossaries/secret", {"description": "mine now"}),
    ("DELETE", "/v1/glossaries/secret", None),
    ("GET", "/v1/glossaries/secret/entries", None),
    ("POST", "/v1/glossaries/secret/entries", ENTRY),
    ("GET", "/v1/glossaries/secret/entries/{id}", None),
    ("PUT", "/v1/glossaries/secret/entries/{id}", ENTRY),
    ("DELETE", "/v1/glossaries/secret/entries/{id}", None),
    ("GET", "/v1/glossaries/secret/history", None),
    ("POST", "/v1/glossaries/secret/history/1/restore", None),
    ("POST", "/v1/glossaries/secret/import?format=csv", "source,renderings,explanation\nx,y,z.\n"),
    ("GET", "/v1/glossaries/secret/export", None),
    ("POST", "/v1/translate", {"text": "pods", "glossaries": ["secret"]}),
    ("POST", "/v1/analyze", {"text": "pods", "glossaries": ["secret"]}),
    ("POST", "/v1/email/rewrite", {"body": "pods", "glossaries": ["secret"]}),
]


@pytest.fixture
def secret_entry(app_client: TestClient, keys: Headers) -> int:
    app_client.post("/v1/glossaries", headers=keys["a_write"], json={"name": "secret"})
    created = app_client.post("/v1/glossaries/secret/entries", headers=keys["a_write"], json=ENTRY)
    entry_id: int = created.json()["id"]
    return entry_id


def call(client: TestClient, method: str, path: str, body: object, headers: dict[str, str]) -> int:
    kwargs: dict[str, object] = {"headers": headers}
    if isinstance(body, str):
        kwargs["content"] = body.encode()
    elif body is not None:
        kwargs["json"] = body
    return client.request(method, path, **kwargs).status_code  # type: ignore[arg-type]


@pytest.mark.parametrize(("method", "path", "body"), GLOSSARY_ROUTES)
def test_another_orgs_glossary_is_404_and_unchanged(app_client: TestClient, keys: Headers, secret_entry: int,
                                                   method: str, path: str, body: object) -> None:
    path = path.format(id=secret_entry)
    assert call(app_client, method, path, body, keys["b_admin"]) == 404
    owner = app_client.get("/v1/glossaries/secret", headers=keys["a_read"]).json()
    assert owner["version"] == 2 and owner["entry_count"] == 1 and owner["description"] == ""


def test_org_b_lists_only_its_own(app_client: TestClient, keys: Headers, secret_entry: int) -> None:
    assert app_client.get("/v1/glossaries", headers=keys["b_admin"]).json() == []
    assert [g["name"] for g in app_client.get("/v1/glossaries", headers=keys["a_read"]).json()] == ["secret"]


def test_missing_or_bad_key_is_401(app_client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer jgn_nope"}, {"Authorization": "Basic abc"}):
        response = app_client.post("/v1/translate", headers=headers, json={"text": "pods"})
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/v1/glossaries", {"name": "x"}),
    ("POST", "/v1/glossaries/secret/entries", ENTRY),
    ("POST", "/v1/glossaries/secret/import?format=csv", "source,renderings,explanation\nx,y,z.\n"),
    ("GET", "/v1/keys", None),
])
def test_read_key_cannot_write(app_client: TestClient, keys: Headers, secret_entry: int, method: str, path: str,
                               body: object) -> None:
    assert call(app_client, method, path, body, keys["a_read"]) == 403


def test_write_key_cannot_manage_keys(app_client: TestClient, keys: Headers) -> None:
    assert app_client.get("/v1/keys", headers=keys["a_write"]).status_code == 403


def test_admin_manages_its_own_orgs_keys(app_client: TestClient, keys: Headers) -> None:
    created = app_client.post("/v1/keys", headers=keys["a_admin"], json={"name": "bot", "scopes": ["read"]})
    assert created.status_code == 201
    secret, prefix = created.json()["secret"], created.json()["prefix"]
    bot = {"Authorization": f"Bearer {secret}"}
    assert app_client.post("/v1/analyze", headers=bot, json={"text": "pods"}).status_code == 200
    listed = app_client.get("/v1/keys", headers=keys["a_admin"]).json()
    assert {k["org"] for k in listed} == {"org-a"} and prefix in {k["prefix"] for k in listed}
    assert all("secret" not in k for k in listed)
    assert app_client.delete(f"/v1/keys/{prefix}", headers=keys["b_admin"]).status_code == 404
    assert app_client.delete(f"/v1/keys/{prefix}", headers=keys["a_admin"]).status_code == 204
    assert app_client.post("/v1/analyze", headers=bot, json={"text": "pods"}).status_code == 401
    bad = app_client.post("/v1/keys", headers=keys["a_admin"], json={"name": "x", "scopes": ["root"]})
    assert bad.status_code == 422


def test_local_mode_only_when_enabled(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        assert client.post("/v1/translate", json={"text": "pods"}).status_code == 401
    with TestClient(create_app(Settings(data_dir=tmp_path, local_mode=True))) as client:
        assert client.post("/v1/translate", json={"text": "pods"}).status_code == 200
        assert client.post("/v1/glossaries", json={"name": "mine"}).status_code == 201
    assert (tmp_path / "jargon.db").exists()
