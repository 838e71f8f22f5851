"""Prometheus metrics, one registry per app so tests and workers do not share counters."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


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
