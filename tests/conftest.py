"""Shared fixtures: the repository root and the shared evaluation data beside it."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url

from glossary.store import Store
from service.app import create_app
from service.settings import Settings

# Service tests run the deterministic engine unless a test asks for models itself (test_model_stage.py).
os.environ.setdefault("JARGON_MODELS_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"
POSTGRES_URL = os.environ.get("JARGON_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def jargon_cli() -> list[str]:
    """The installed `jargon` console script, run as a real subprocess."""
    script = Path(sys.executable).with_name("jargon")
    assert script.exists(), "run `make test`: it installs the package and its console script"
    return [str(script)]


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{EVAL_DIR} is missing: CI lays ../shared beside the clone")
        pytest.skip("../shared/eval is not beside this checkout")
    return EVAL_DIR


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/nested/dir/glossaries.db"
        return
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("JARGON_TEST_POSTGRES_URL is not set: start PostgreSQL with scripts/postgres-test.sh")
        pytest.skip("JARGON_TEST_POSTGRES_URL is not set (see scripts/postgres-test.sh)")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        scoped = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for an app on a fresh database, with API keys required."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url, max_text_bytes=4000,
                    max_body_bytes=200_000)


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def store(settings: Settings, app_client: TestClient) -> Store:
    """The app's own store (migrated by its start-up)."""
    app_store: Store = app_client.app.state.store  # type: ignore[attr-defined]
    return app_store


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def keys(store: Store) -> dict[str, dict[str, str]]:
    """Auth headers for org A (admin, write, read) and org B (admin)."""
    return {
        "a_admin": bearer(store.create_key("org-a", "admin", ["admin"])[1]),
        "a_write": bearer(store.create_key("org-a", "writer", ["write"])[1]),
        "a_read": bearer(store.create_key("org-a", "reader", ["read"])[1]),
        "b_admin": bearer(store.create_key("org-b", "admin", ["admin"])[1]),
    }
