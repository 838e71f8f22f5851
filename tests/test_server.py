"""Real uvicorn processes on loopback: `jargon serve`, API keys from the CLI, and two replicas on one database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from service.loopback import free_port, serving

JARGON = str(Path(sys.executable).with_name("jargon"))


@contextmanager
def server(env: dict[str, str], *args: str) -> Iterator[str]:
    """`jargon serve` on a free port, until /healthz answers; stopped afterwards."""
    port = free_port()
    with serving([JARGON, "serve", "--port", str(port), *args], port, env=env, timeout_s=60) as base:
        yield base


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([JARGON, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_serve_local_mode_on_loopback(tmp_path: Path) -> None:
    with server({"JARGON_DATA_DIR": str(tmp_path)}, "--local") as base:
        response = httpx.post(f"{base}/v1/translate", json={"text": "Two pods restarted at 09:10."}, timeout=30)
        assert response.status_code == 200 and "09:10" in response.json()["text"]
    assert (tmp_path / "jargon.db").exists()


def test_local_mode_refuses_a_public_interface(tmp_path: Path) -> None:
    done = subprocess.run([JARGON, "serve", "--local", "--host", "0.0.0.0"], capture_output=True, text=True,
                          env={**os.environ, "JARGON_DATA_DIR": str(tmp_path)}, timeout=60)
    assert done.returncode != 0 and "loopback" in done.stderr


def test_keys_from_the_cli_open_the_api(tmp_path: Path) -> None:
    env = {"JARGON_DATA_DIR": str(tmp_path)}
    secret = cli(env, "keys", "create", "--org", "acme", "--scope", "read", "--scope", "write").strip()
    assert secret.startswith("jgn_") and "acme" in cli(env, "keys", "list")
    with server(env) as base:
        assert httpx.get(f"{base}/v1/glossaries", timeout=10).status_code == 401
        auth = {"Authorization": f"Bearer {secret}"}
        assert httpx.post(f"{base}/v1/glossaries", json={"name": "ops"}, headers=auth, timeout=10).status_code == 201
        prefix = cli(env, "keys", "list").split()[0]
        cli(env, "keys", "revoke", prefix)
        assert httpx.get(f"{base}/v1/glossaries", headers=auth, timeout=10).status_code == 401


def test_glossary_import_and_export_from_the_cli(tmp_path: Path) -> None:
    env = {"JARGON_DATA_DIR": str(tmp_path)}
    source = tmp_path / "terms.csv"
    source.write_text("source,renderings,explanation\npod,shop server,Our servers.\n", encoding="utf-8")
    assert "1 added" in cli(env, "glossary", "import", str(source), "--org", "acme", "--name", "ops")
    assert cli(env, "glossary", "export", "--org", "acme", "--name", "ops").startswith("source,")


def test_two_replicas_on_one_postgres_see_each_others_edits(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL server")
    env = {"JARGON_DATABASE_URL": database_url, "JARGON_DATA_DIR": str(tmp_path)}
    secret = cli(env, "keys", "create", "--org", "acme", "--scope", "write").strip()
    auth = {"Authorization": f"Bearer {secret}"}
    entry = {"source": "pod", "renderings": ["shop server"], "explanation": "Ours.", "direction": "it_to_business"}
    with server(env) as one, server(env) as two:
        httpx.post(f"{one}/v1/glossaries", json={"name": "ops"}, headers=auth, timeout=10)
        created = httpx.post(f"{one}/v1/glossaries/ops/entries", json=entry, headers=auth, timeout=10).json()

        def rendered() -> str:
            body = {"text": "Two pods failed.", "glossaries": ["ops"]}
            text: str = httpx.post(f"{two}/v1/translate", json=body, headers=auth, timeout=10).json()["text"]
            return text

        assert rendered() == "Two shop servers failed."
        httpx.put(f"{one}/v1/glossaries/ops/entries/{created['id']}", headers=auth, timeout=10,
                  json={**entry, "renderings": ["store server"]})
        edited = time.monotonic()
        while rendered() != "Two store servers failed.":
            assert time.monotonic() - edited < 2.5, "replica two did not see the edit within the 2 s bound"
            time.sleep(0.05)
