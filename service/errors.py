"""Every error leaves the service as JSON {"error": {"code", "message"}}, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from glossary.io import ImportProblems
from glossary.store import AlreadyExists, InvalidValue, NotFound, PreconditionFailed, StoreUnavailable
from translator import TranslatorError

log = logging.getLogger("jargon")


class ApiError(Exception):
    """An error with its HTTP status, stable code and plain message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status, headers=headers)


_STORE_ERRORS: dict[type[Exception], tuple[int, str]] = {
    NotFound: (404, "not_found"),
    AlreadyExists: (409, "already_exists"),
    PreconditionFailed: (412, "precondition_failed"),
    InvalidValue: (422, "invalid_value"),
    StoreUnavailable: (503, "store_unavailable"),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(TranslatorError)
    async def _translator(_: Request, exc: TranslatorError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(ImportProblems)
    async def _import(_: Request, exc: ImportProblems) -> JSONResponse:
        problems = [{"row": p.row, "field": p.field, "message": p.message} for p in exc.problems]
        return error_response(422, "import_invalid", f"{len(problems)} problem(s); nothing was imported.",
                              problems=problems)

    for kind, (status, code) in _STORE_ERRORS.items():
        def handler(_: Request, exc: Exception, status: int = status, code: str = code) -> JSONResponse:
            return error_response(status, code, str(exc))

        app.add_exception_handler(kind, handler)

    @app.exception_handler(ValueError)
    async def _invalid(_: Request, exc: ValueError) -> JSONResponse:
        return error_response(422, "validation_error", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return error_response(422, "validation_error", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")
