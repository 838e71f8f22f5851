"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from glossary import builtin_entries
from glossary.store import StoreUnavailable
from service.deps import MetricsDep, StoreDep
from service.errors import error_response, error_responses

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=None, responses=error_responses(503))
async def readyz(store: StoreDep) -> dict[str, object] | Response:
    try:
        await run_in_threadpool(store.list_keys, "__readyz__")
    except StoreUnavailable as exc:
        return error_response(503, "store_unavailable", str(exc))
    return {"status": "ready", "builtin_entries": len(builtin_entries())}


@router.get("/metrics")
async def metrics(m: MetricsDep) -> Response:
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
