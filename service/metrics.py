"""Prometheus metrics, one registry per app so tests and workers do not share counters."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("jargon_requests_total", "HTTP requests.", ["route", "method", "status"],
                                registry=self.registry)
        self.latency = Histogram("jargon_request_seconds", "Request latency.", ["route", "engine"],
                                 registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.fallbacks = Counter("jargon_model_fallbacks_total", "Model stage results replaced by the draft.",
                                 ["reason"], registry=self.registry)
        self.matches = Counter("jargon_glossary_matches_total", "Glossary terms changed, by layer kind.",
                               ["layer"], registry=self.registry)


class RequestMetrics:
    """ASGI middleware: counts requests by route, method and status, and times them by route and the
    engine that answered (``request.state.engine``). Plain ASGI, so a request costs no extra task."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts: an unhandled error becomes a 500 further out

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            engine = scope.get("state", {}).get("engine", "none")
            self.metrics.latency.labels(route, engine).observe(time.perf_counter() - start)
