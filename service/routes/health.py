"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter

from glossary import builtin_entries

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz() -> dict[str, object]:
    return {"status": "ready", "builtin_entries": len(builtin_entries())}
