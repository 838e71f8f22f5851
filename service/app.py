"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from service.errors import ApiError
from service.routes import health, translate
from service.settings import Settings
from translator import TranslatorError


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; every error leaves as JSON {"error": {"code", "message"}}."""
    app = FastAPI(title="Jargon translator", version="1.0.0")
    app.state.settings = settings or Settings()
    app.include_router(health.router)
    app.include_router(translate.router)

    @app.exception_handler(TranslatorError)
    async def _translator_error(_: Request, exc: TranslatorError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        return JSONResponse(error_body("validation_error", details), status_code=422)

    return app
