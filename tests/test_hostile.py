"""Hostile input against a real uvicorn server (`jargon serve --local` on loopback).

Huge bodies, deeply nested JSON, invalid UTF-8, NUL bytes, a 100,000-term import, an XML entity
bomb and pathological runs for the fact lock and matcher: each gets a clear answer (a 4xx, or a
200 for text that is merely odd) within a bounded time; afterwards the server still answers and
its memory stays bounded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from fastapi.testclient import TestClient
from test_server import server

from service.app import create_app
from service.settings import Settings

MB = 1024 * 1024
#: The slowest answer allowed for any single hostile request (the server's own limit is 64 KB of text).
FAST_S = 2.0
PATHOLOGICAL_S = 6.0
MAX_RSS = 1536 * MB


class Server:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=60)

    def post(self, path: str, **kwargs: object) -> tuple[httpx.Response, float]:
        start = time.perf_counter()
        response = self.http.post(path, **kwargs)  # type: ignore[arg-type]
        return response, time.perf_counter() - start

    def process(self) -> psutil.Process:
        port = int(self.base.rsplit(":", 1)[1])
        for child in psutil.Process().children(recursive=True):
            try:
                if any(c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in child.net_connections()):
                    return child
            except (psutil.AccessDenied, psutil.NoSuchProcess):
                continue
        raise AssertionError(f"no process of ours listens on {port}")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"JARGON_DATA_DIR": str(tmp_path_factory.mktemp("hostile")), "JARGON_RATE_LIMIT_PER_MINUTE": "0"}
    with server(env, "--local") as base:
        live = Server(base)
        assert live.http.post("/v1/glossaries", json={"name": "ops"}).status_code == 201
        # The first translation loads the glossaries (and whatever else is lazy): not part of any timing.
        assert live.http.post("/v1/translate", json={"text": "Warm up the pods."}).status_code == 200
        yield live
        live.http.close()


def assert_error(response: httpx.Response, *statuses: int) -> str:
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], body
    assert "Traceback" not in response.text
    code: str = body["error"]["code"]
    return code


def test_ten_megabyte_bodies_are_refused_fast(live: Server) -> None:
    body = b'{"text": "' + b"a" * (10 * MB) + b'"}'
    for path in ("/v1/translate", "/v1/glossaries/ops/import?format=csv", "/v1/glossaries"):
        response, took = live.post(path, content=body, headers={"Content-Type": "application/json"})
        assert assert_error(response, 413) == "body_too_large"
        assert took < FAST_S, (path, took)


def test_streamed_bodies_without_a_length_are_cut_off(live: Server) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"a" * MB
        yield b'"}'

    response, took = live.post("/v1/translate", content=chunks(), headers={"Content-Type": "application/json"})
    assert assert_error(response, 413) == "body_too_large"
    assert took < FAST_S


@pytest.mark.parametrize("body", [
    b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
    b"[" * 1_000_000,
], ids=["arrays", "objects", "unclosed"])
def test_deeply_nested_json_is_a_4xx(live: Server, body: bytes) -> None:
    response, took = live.post("/v1/translate", content=body, headers={"Content-Type": "application/json"})
    assert_error(response, 400, 422)
    assert took < FAST_S


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"text": "caf\xe9 \xff\xfe broken"}', {"invalid_body"}),
    (b'{"text": "\xed\xa0\x80 surrogate"}', {"invalid_body", "binary_input"}),
    (b'{"text": "raw \x00 NUL"}', {"validation_error"}),
    (b'{"text": "escaped \\u0000 NUL"}', {"binary_input"}),
    (b'{"text": "lone \\ud800 surrogate"}', {"binary_input"}),
    (b"\xff\xfe\x00\x00", {"invalid_body", "validation_error"}),
], ids=["latin1", "encoded-surrogate", "raw-nul", "escaped-nul", "escaped-surrogate", "garbage"])
def test_invalid_utf8_and_nul_bytes_are_a_4xx(live: Server, body: bytes, expected: set[str]) -> None:
    response, took = live.post("/v1/translate", content=body, headers={"Content-Type": "application/json"})
    assert assert_error(response, 400, 422) in expected
    assert took < FAST_S


def test_nul_bytes_elsewhere_are_a_4xx_or_harmless(live: Server) -> None:
    response, _ = live.post("/v1/glossaries", json={"name": "bad\u0000name"})
    assert_error(response, 422)
    response = live.http.get("/v1/glossaries/bad%00name")
    assert_error(response, 404, 422)
    response, _ = live.post("/v1/translate", json={"text": "Two pods.", "glossaries": ["a\u0000b"]})
    assert_error(response, 404, 422)
    response, _ = live.post("/v1/glossaries/ops/import?format=csv", content=b"source,renderings\nx\x00y,z\n")
    assert response.status_code in (200, 422), response.text


def test_a_hundred_thousand_term_import_is_refused_whole(live: Server) -> None:
    rows = "".join(f"term{k},rendering {k}\n" for k in range(100_000))
    data = ("source,renderings\n" + rows).encode()
    assert len(data) < 4 * MB  # under the body limit: the row limit must catch it
    assert live.http.post("/v1/glossaries", json={"name": "big"}).status_code == 201
    response, took = live.post("/v1/glossaries/big/import?format=csv", content=data)
    assert assert_error(response, 413, 422) in ("import_invalid", "body_too_large")
    assert took < 10.0
    assert live.http.get("/v1/glossaries/big").json()["entry_count"] == 0  # nothing was imported


def test_an_xml_entity_bomb_is_refused(live: Server) -> None:
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY l0 "lol">{levels}]>'
            '<martif type="TBX"><text><body><termEntry><langSet xml:lang="en"><tig><term>&l9;</term></tig>'
            "</langSet></termEntry></body></text></martif>").encode()
    response, took = live.post("/v1/glossaries/ops/import?format=tbx", content=bomb)
    assert_error(response, 400, 413, 422)
    assert took < FAST_S


RUN = 60_000
PATHOLOGICAL = {
    "digits": "1" * RUN,
    "dots": "." * RUN,
    "dashes": "-" * RUN,
    "colons": ":" * RUN,
    "digit-dot": "1." * (RUN // 2),
    "digit-dash": "1-" * (RUN // 2),
    "digit-colon": "1:" * (RUN // 2),
    "letter-dot": "a." * (RUN // 2),
    "letter-dash": "a-" * (RUN // 2),
    "version-like": "1.2.3." * (RUN // 6),
    "ticket-like": "A-1" * (RUN // 3),
    "email-like": "a." * (RUN // 2) + "@",
    "money-like": "1," * (RUN // 2),
    "ipv6-like": "ffff:" * (RUN // 5),
    "mixed": "12:34:56.78-90/12/" * (RUN // 18),
    "spaced-digits": "1 " * (RUN // 2),
    "angle-brackets": "<" * RUN,
    "markdown-links": "](" * (RUN // 2),
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_runs_are_answered_in_bounded_time(live: Server, name: str) -> None:
    text = PATHOLOGICAL[name]
    slowest = 0.0
    for path, body in (
        ("/v1/translate", {"text": text, "rewrite": "glossary"}),
        ("/v1/translate", {"text": text, "rewrite": "glossary", "format": "html"}),
        ("/v1/analyze", {"text": text, "format": "markdown"}),
    ):
        response, took = live.post(path, json=body)
        assert response.status_code in (200, 400), response.text[:300]
        if response.status_code == 400:
            assert response.json()["error"]["code"] in ("empty_text", "binary_input")
        slowest = max(slowest, took)
        assert took < PATHOLOGICAL_S, (name, path, body.get("format"), round(took, 2))
    print(f"{name}: slowest {slowest:.2f} s")


def test_the_server_is_still_up_and_small(live: Server) -> None:
    """Runs last in this module: after everything above, the server answers and its memory is bounded."""
    assert live.http.get("/healthz").json() == {"status": "ok"}
    response = live.http.post("/v1/translate", json={"text": "Two pods restarted at 09:10."})
    assert response.status_code == 200 and "09:10" in response.json()["text"]
    rss = live.process().memory_info().rss
    print(f"server RSS after the hostile inputs: {rss / MB:.0f} MiB")
    assert rss < MAX_RSS


def test_nul_bytes_reach_no_database_as_a_500(tmp_path: Path, database_url: str) -> None:
    """PostgreSQL refuses NUL in text: that must be a 4xx, not a 500 (the server above runs SQLite)."""
    settings = Settings(data_dir=tmp_path, database_url=database_url, local_mode=True, rate_limit_per_minute=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.post("/v1/glossaries", json={"name": "ops"}).status_code == 201
        checks = [
            client.get("/v1/glossaries/a%00b"),
            client.post("/v1/translate", json={"text": "Two pods.", "glossaries": ["a\u0000b"]}),
            client.post("/v1/glossaries/ops/entries", json={"source": "a\u0000b", "renderings": ["c"]}),
            client.post("/v1/glossaries/ops/import?format=csv", content=b"source,renderings\nx\x00y,z\n"),
            client.get("/v1/glossaries/ops/entries?q=a%00b"),
            client.delete("/v1/keys/a%00b"),
        ]
        for response in checks:
            assert response.status_code < 500, (response.request.url, response.status_code, response.text)
