"""Shared fixtures: the repository root and the shared evaluation data beside it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"


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
