"""The HTTP app: the translate contract and JSON errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(max_text_bytes=2000)))


def test_translate_returns_the_contract_shape(client: TestClient) -> None:
    response = client.post("/v1/translate", json={"text": "Two pods crashed at 10:02.", "direction": "it_to_business"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"text", "brief", "direction", "engine", "terms", "facts", "unknown_jargon",
                         "readability", "warnings", "timings_ms"}
    assert "10:02" in body["text"] and body["terms"][0]["layer"] == "builtin"
    assert set(body["readability"]["before"]) == {"grade", "jargon_pct"}


def test_analyze(client: TestClient) -> None:
    response = client.post("/v1/analyze", json={"text": "The CDN and DNS failed."})
    assert response.status_code == 200 and {k["term"] for k in response.json()["known"]} >= {"CDN", "DNS"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 400, "empty_text"),
        ({"text": "x" * 2001}, 413, "text_too_large"),
        ({"text": "pods", "direction": "sideways"}, 422, "validation_error"),
        ({"direction": "it_to_business"}, 422, "validation_error"),
        ({"text": "pods", "glossaries": ["acme"]}, 404, "glossary_not_found"),
    ],
)
def test_errors_are_json_with_a_code(client: TestClient, body: dict[str, object], status: int, code: str) -> None:
    response = client.post("/v1/translate", json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def test_validation_errors_name_the_field(client: TestClient) -> None:
    response = client.post("/v1/translate", json={"text": "pods", "terms": [{"target": "x"}]})
    assert "terms.0.source" in response.json()["error"]["message"]


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["builtin_entries"] >= 800
