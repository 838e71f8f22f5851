"""The translate, batch, analyze and email routes; limits, metrics and JSON errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings

CONTRACT = {"text", "brief", "direction", "engine", "terms", "facts", "unknown_jargon", "readability", "warnings",
            "timings_ms"}


def test_translate_returns_the_contract_shape(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    response = app_client.post("/v1/translate", headers=keys["a_read"],
                               json={"text": "Two pods crashed at 10:02.", "direction": "it_to_business"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == CONTRACT
    assert "10:02" in body["text"] and body["terms"][0]["layer"] == "builtin"
    assert set(body["terms"][0]) == {"source", "target", "start", "end", "layer", "note"}
    assert set(body["readability"]["before"]) == {"grade", "jargon_pct"}
    assert set(body["facts"]) == {"locked", "missing", "added"}


def test_batch_answers_each_item_alone(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    items = [{"text": "The CDN failed."}, {"text": ""}, {"text": "pods", "glossaries": ["nope"]}]
    response = app_client.post("/v1/translate/batch", headers=keys["a_read"], json={"items": items})
    results = response.json()["results"]
    assert response.status_code == 200 and len(results) == 3
    assert results[0]["result"]["terms"] and results[0]["error"] is None
    assert results[1]["error"]["code"] == "empty_text"
    assert results[2]["error"]["code"] == "glossary_not_found"


def test_batch_is_capped_at_fifty(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    response = app_client.post("/v1/translate/batch", headers=keys["a_read"], json={"items": [{"text": "x"}] * 51})
    assert response.status_code == 422 and "items" in response.json()["error"]["message"]


def test_analyze(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    response = app_client.post("/v1/analyze", headers=keys["a_read"], json={"text": "The CDN and DNS failed."})
    assert response.status_code == 200 and {k["term"] for k in response.json()["known"]} >= {"CDN", "DNS"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 400, "empty_text"),
        ({"text": "x" * 4001}, 413, "text_too_large"),
        ({"text": "pods", "direction": "sideways"}, 422, "validation_error"),
        ({"direction": "it_to_business"}, 422, "validation_error"),
        ({"text": "pods", "glossaries": ["acme"]}, 404, "glossary_not_found"),
    ],
)
def test_errors_are_json_with_a_code(app_client: TestClient, keys: dict[str, dict[str, str]],
                                     body: dict[str, object], status: int, code: str) -> None:
    response = app_client.post("/v1/translate", headers=keys["a_read"], json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def test_validation_errors_name_the_field(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    response = app_client.post("/v1/translate", headers=keys["a_read"], json={"text": "x", "terms": [{"target": "y"}]})
    assert "terms.0.source" in response.json()["error"]["message"]


def test_malformed_json_and_unknown_routes_are_json_errors(app_client: TestClient,
                                                          keys: dict[str, dict[str, str]]) -> None:
    bad = app_client.post("/v1/translate", headers={**keys["a_read"], "content-type": "application/json"},
                          content=b"{not json")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    missing = app_client.get("/v1/nowhere")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_body_over_the_limit_is_413_before_reading(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    response = app_client.post("/v1/translate", headers=keys["a_read"], content=b"{" + b" " * 300_000 + b"}")
    assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, local_mode=True, rate_limit_per_minute=3)
    with TestClient(create_app(settings)) as client:
        codes = [client.post("/v1/analyze", json={"text": "The CDN."}).status_code for _ in range(5)]
        limited = client.post("/v1/analyze", json={"text": "The CDN."})
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1


def test_cors_is_off_by_default_and_configurable(tmp_path: Path) -> None:
    preflight = {"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(Settings(data_dir=tmp_path, local_mode=True))) as client:
        assert "access-control-allow-origin" not in client.options("/v1/translate", headers=preflight).headers
    allowed = Settings(data_dir=tmp_path, local_mode=True, cors_origins=["https://portal.example"])
    with TestClient(create_app(allowed)) as client:
        response = client.options("/v1/translate", headers=preflight)
        assert response.headers["access-control-allow-origin"] == "https://portal.example"


def test_metrics_count_requests_engines_and_matches(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    app_client.post("/v1/translate", headers=keys["a_read"], json={"text": "The pods and the CDN failed."})
    text = app_client.get("/metrics").text
    assert 'jargon_requests_total{method="POST",route="/v1/translate",status="200"} 1.0' in text
    assert 'jargon_request_seconds_count{engine="glossary",route="/v1/translate"} 1.0' in text
    assert 'jargon_glossary_matches_total{layer="builtin"} 2.0' in text


def test_health_and_readiness(app_client: TestClient) -> None:
    assert app_client.get("/healthz").json() == {"status": "ok"}
    assert app_client.get("/readyz").json()["builtin_entries"] >= 800


def test_openapi_docs_are_served(app_client: TestClient) -> None:
    assert app_client.get("/docs").status_code == 200
    assert "/v1/translate" in app_client.get("/openapi.json").json()["paths"]


def test_openapi_declares_the_error_body_the_api_sends(app_client: TestClient,
                                                       keys: dict[str, dict[str, str]]) -> None:
    schema = app_client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    declared = schema["paths"]["/v1/translate"]["post"]["responses"]
    for status in ("400", "413", "422"):
        assert declared[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    sent = app_client.post("/v1/translate", json={"text": ""}, headers=keys["a_read"])
    assert sent.status_code in {400, 422} and set(sent.json()) == {"error"}
    assert set(sent.json()["error"]) <= set(schema["components"]["schemas"]["ErrorDetail"]["properties"])
