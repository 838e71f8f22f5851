"""The web page for people: `/` serves it, `/static` its files, `/v1/config` what the page needs to know."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from service.deps import SettingsDep

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

#: Scripts and styles come only from /static: no inline script, no eval, no inline style attributes.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

router = APIRouter(tags=["web"])


class SecureStaticFiles(StaticFiles):
    """Static files with the page's security headers, revalidated on every load (ETag, so it stays cheap)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                headers.append((b"cache-control", b"no-cache"))
                message["headers"] = headers
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


router.mount("/static", SecureStaticFiles(directory=WEB_DIR, check_dir=False), name="static")


class WebConfig(BaseModel):
    """What the page needs before its first API call."""

    local_mode: bool
    auth: str
    max_text_bytes: int


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8",
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


@router.get("/v1/config")
async def config(settings: SettingsDep, response: Response) -> WebConfig:
    """Whether an API key is needed (none in local mode) and the largest text accepted."""
    response.headers["Cache-Control"] = "no-store"
    return WebConfig(local_mode=settings.local_mode, auth="none" if settings.local_mode else "bearer",
                     max_text_bytes=settings.max_text_bytes)
