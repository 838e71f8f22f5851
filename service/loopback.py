"""A server as a child process on loopback, used until it answers: the tests and benchmarks start real
`jargon serve`, uvicorn and llama.cpp servers this way."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(command: Sequence[str], port: int, *, ready: str = "/healthz", env: Mapping[str, str] | None = None,
            cwd: Path | None = None, timeout_s: float = 90.0, stop_timeout_s: float = 20.0) -> Iterator[str]:
    """Start ``command`` (which listens on 127.0.0.1:``port``), wait until GET ``ready`` answers 200, and
    yield the base URL; terminate it afterwards (killed if it has not stopped within ``stop_timeout_s``).

    Its output goes to a file, not a pipe, so that a chatty server never stalls on a full pipe; the
    file's tail is in the error when the server does not start.
    """
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(list(command), cwd=cwd, env={**os.environ, **(env or {})}, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    if httpx.get(f"{base}{ready}", timeout=1.0, trust_env=False).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    raise RuntimeError(f"{command[0]} did not start on {base}:\n{output[-3000:]}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=stop_timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
