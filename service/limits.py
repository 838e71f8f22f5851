"""Request limits: body size (413) and a per-key rate limit (429 with Retry-After)."""

from __future__ import annotations

import json
import math
import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _error(status: int, code: str, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> list[Message]:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return [
        {"type": "http.response.start", "status": status,
         "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                     *(headers or [])]},
        {"type": "http.response.body", "body": body},
    ]


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` before they are read into memory, whether the
    client announces the size or streams it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        too_large = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                # The app may catch _TooLarge while parsing the body and answer 400 for what it
                # read: that answer is dropped, and the 413 below goes out instead.
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        for message in _error(413, "body_too_large", f"The request body is over {self.max_bytes} bytes."):
            await send(message)


class _TooLarge(Exception):
    pass


class RateLimiter:
    """A token bucket per caller: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, caller: str) -> int:
        """0 when the request may go ahead, else whole seconds to wait."""
        if self.rate <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(caller, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[caller] = (tokens - 1.0, now)
                return 0
            self._buckets[caller] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))
