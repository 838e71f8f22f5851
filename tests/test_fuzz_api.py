"""API fuzzing: schemathesis generates requests from the app's own OpenAPI schema, over every route.

The app runs in process (ASGI), in local mode, on a SQLite file of its own. Each route gets positive
cases (valid by the schema) and, where the schema allows it, negative ones (invalid on purpose);
at least 1,000 in all. No case may get a 5xx, every status must be one the route declares, and every
response (errors included) must conform to the schema.
Most cases drop the generated credentials and aim at a glossary (and entry) that exists, so that
the routes do their real work instead of stopping at 401 or 404.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from service.app import create_app
from service.settings import Settings

POSITIVE_PER_ROUTE = 40
NEGATIVE_PER_ROUTE = 15
MIN_CASES = 1000
GLOSSARY = "fuzz"
AUTH_HEADERS = {"authorization", "x-api-key"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    data = tmp_path_factory.mktemp("fuzz")
    return create_app(Settings(data_dir=data, local_mode=True, rate_limit_per_minute=0, max_text_bytes=4000,
                               max_body_bytes=200_000))


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


class Tally:
    """Cases run, status codes seen and failures, per route."""

    def __init__(self) -> None:
        self.cases = 0
        self.statuses: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
        self.failures: dict[tuple[str, str], str] = {}
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()

    def fail(self, label: str, what: str, detail: str) -> None:
        self.counts[label, what] += 1
        self.failures.setdefault((label, what), detail)


def _aim(case: Any, dice: int, client: TestClient, serial: int) -> None:
    """Point most cases at a glossary (and an entry) that exists, without credentials."""
    if dice < 8 and case.headers:
        for header in [h for h in case.headers if h.lower() in AUTH_HEADERS]:
            del case.headers[header]
    path = case.path_parameters
    if dice < 6 and path and "name" in path:
        path["name"] = GLOSSARY
        client.post("/v1/glossaries", json={"name": GLOSSARY})
        if "entry_id" in path and dice < 4:
            made = client.post(f"/v1/glossaries/{GLOSSARY}/entries",
                               json={"source": f"fuzzterm{serial}", "renderings": ["fuzz rendering"]})
            if made.status_code == 201:
                path["entry_id"] = made.json()["id"]


def _run(operation: Any, mode: GenerationMode, examples: int, client: TestClient, tally: Tally) -> None:
    label = operation.label

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), dice=st.integers(0, 9))
    def run(case: Any, dice: int) -> None:
        tally.cases += 1
        _aim(case, dice, client, tally.cases)
        try:
            response = case.call()
        except Exception as exc:  # the app raised instead of answering: a 500 in production
            tally.fail(label, f"exception {type(exc).__name__}", f"{case.as_curl_command()}\n{exc}")
            return
        tally.statuses[label][response.status_code] += 1
        for check in (not_a_server_error, status_code_conformance, response_schema_conformance):
            try:
                case.validate_response(response, checks=[check])
            except Exception as exc:
                tally.fail(label, check.__name__,
                           f"{case.as_curl_command()}\n-> {response.status_code} {response.text[:300]}\n{exc}")

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, f"{label}: no valid case could be generated"


@pytest.mark.timeout(600)
def test_every_route_survives_generated_requests(app: FastAPI, client: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, [op.label for op in operations]
    tally = Tally()
    for operation in operations:
        _run(operation, GenerationMode.POSITIVE, POSITIVE_PER_ROUTE, client, tally)
        _run(operation, GenerationMode.NEGATIVE, NEGATIVE_PER_ROUTE, client, tally)

    report = "\n".join(f"{label}: {dict(sorted(c.items()))}" for label, c in sorted(tally.statuses.items()))
    print(f"\n{tally.cases} generated cases over {len(operations)} routes\n{report}")
    problems = "\n\n".join(f"{label} [{what}] x{tally.counts[label, what]}\n{detail}"
                           for (label, what), detail in tally.failures.items())
    assert not tally.failures, problems
    assert tally.cases >= MIN_CASES
    unreached = [op.label for op in operations if not tally.statuses[op.label]]
    assert not unreached, f"routes never called: {unreached}"
    assert any(code < 300 for c in tally.statuses.values() for code in c), "no request ever succeeded"
