"""The FastAPI application factory."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from glossary import builtin_layer, concepts
from glossary.store import Store, StoreError
from models.config import ModelSettings
from service.errors import install_error_handlers
from service.limits import BodySizeLimit, RateLimiter
from service.metrics import Metrics, RequestMetrics
from service.model_stage import ModelStageProvider
from service.routes import glossaries, health, keys, translate, web
from service.settings import Settings

log = logging.getLogger("jargon")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app from settings (JARGON_* environment variables by default)."""
    settings = settings or Settings()
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.resolved_database_url(), cache_ttl=settings.glossary_cache_ttl,
                  key_cache_ttl=settings.key_cache_ttl, key_outage_grace=settings.key_outage_grace)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            store.migrate()
        except StoreError:
            log.exception("the glossary store is unavailable; translation still works with the built-in glossary")
        builtin_layer()  # load the built-in glossary and request concepts before the first request
        concepts.preload()
        # Load the model stage in the background, so the first translation does not wait for it.
        threading.Thread(target=app.state.models.get, name="load-models", daemon=True).start()
        yield
        store.close()

    app = FastAPI(title="Jargon translator", version="1.0.0", lifespan=lifespan,
                  description="IT status updates into plain business language, and business requests into IT terms.")
    app.state.settings = settings
    app.state.store = store
    app.state.metrics = metrics = Metrics()
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.models = ModelStageProvider(ModelSettings() if settings.models_enabled else None,
                                          settings.model_time_limit_s)
    for router in (health.router, translate.router, glossaries.router, keys.router, web.router):
        app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(RequestMetrics, metrics=metrics)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["*"], expose_headers=["ETag", "Retry-After"])
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
