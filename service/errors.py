"""Every error leaves the service as JSON {"error": {"code", "message"}}, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
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


class ImportProblem(BaseModel):
    """One row of a glossary import that could not be taken."""

    model_config = ConfigDict(extra="forbid")
    row: int
    field: str | None
    message: str


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    message: str
    problems: list[ImportProblem] | None = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    model_config = ConfigDict(extra="forbid")
    error: ErrorDetail


_MEANINGS = {
    400: "Bad input: a body that is not valid JSON, text that is not valid UTF-8, or a malformed header.",
    401: "No API key, or one that is not valid.",
    403: "The API key lacks the scope this route needs.",
    404: "No such glossary, entry or key in the caller's organisation.",
    409: "A glossary of that name already exists.",
    412: "If-Match named a version that is no longer current; nothing was changed.",
    413: "The body or the text is over the size limit.",
    422: "The request does not match the schema, or a value is not allowed.",
    429: "Too many requests; Retry-After says when to try again.",
    503: "The glossary store is unavailable; nothing was changed.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring the error body for each status."""
    return {status: {"model": ErrorBody, "description": _MEANINGS[status]} for status in statuses}


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
        code = {400: "invalid_body", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")
