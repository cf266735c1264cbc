"""Request bodies are bounded per route, while they stream in, before anything buffers them.

Measured before this existed: eight 60 MB JSON bodies to the anonymous location endpoint took
the server from 189 MB to 1,033 MB, because Starlette reads a whole body into memory before
parsing it. So a declared ``Content-Length`` over the route's limit is refused at once, without
reading a byte, and a chunked body (no length declared) is counted as it arrives and refused as
soon as it passes the limit: memory per request stays at the limit, whatever the client sends.

Pure ASGI, like the request-id and rate-limit middleware: a request without a body costs one
header scan. The table lives here, beside the middleware, so the README's table has one source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import problem

KIB = 1024
MIB = 1024 * KIB
DEFAULT_LIMIT = 64 * KIB  # every JSON or form body not listed below; the largest is a few KB
BODY_TOO_LARGE = "body_too_large"


@dataclass(frozen=True, slots=True)
class BodyLimit:
    """Requests of ``method`` whose path matches ``path`` (a regex) may carry ``max_bytes``."""

    method: str
    path: re.Pattern[str]
    max_bytes: int
    why: str


def _limit(method: str, path: str, max_bytes: int, why: str) -> BodyLimit:
    return BodyLimit(method, re.compile(path), max_bytes, why)


# 10,000 codes (each up to 24 characters, quoted, with a comma) is about 300 KB of JSON.
ROUTE_LIMITS: tuple[BodyLimit, ...] = (
    _limit("POST", r"/api/v1/reports", 6 * MIB, "consumer report: a 5 MB photo + the form"),
    _limit("POST", r"/report", 6 * MIB, "consumer report (HTML form): a 5 MB photo + the form"),
    _limit("PUT", r"/api/v1/products/[^/]+/artwork", 1 * MIB, "mark artwork: 512 KB file"),
    _limit("POST", r"/api/v1/labels/(void|unvoid)", 512 * KIB, "up to 10,000 label codes"),
    _limit("POST", r"/api/v1/revocations", 512 * KIB, "up to 10,000 label codes"),
    _limit("POST", r"/api/v1/labels/(activate|deactivate)", 512 * KIB, "up to 10,000 codes"),
    _limit("POST", r"/api/v1/packages/[^/]+/(pack|unpack)", 512 * KIB, "up to 10,000 codes"),
)


class BodyTooLarge(HTTPException):
    """An HTTPException, because FastAPI re-raises those from body parsing (it turns any other
    error met while reading the body into a 400), so the error handler renders it as a problem."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, describe(max_bytes))
        self.max_bytes = max_bytes


def describe(max_bytes: int) -> str:
    size = f"{max_bytes // MIB} MB" if max_bytes % MIB == 0 else f"{max_bytes // KIB} KB"
    return f"the request body is larger than this endpoint accepts ({size})"


def too_large_response(max_bytes: int) -> ASGIApp:
    return problem(413, BODY_TOO_LARGE, describe(max_bytes))


def declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server (h11, httptools) refuses these before we see them
    return None


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, limits: Sequence[BodyLimit] = ROUTE_LIMITS, default: int = DEFAULT_LIMIT
    ) -> None:
        self.app, self.limits, self.default = app, tuple(limits), default

    def limit_for(self, method: str, path: str) -> int:
        for limit in self.limits:
            if limit.method == method and limit.path.fullmatch(path):
                return limit.max_bytes
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["method"], scope["path"])
        declared = declared_length(scope)
        if declared is not None and declared > max_bytes:
            await too_large_response(max_bytes)(scope, receive, send)
            return
        await self._counting(scope, receive, send, max_bytes)

    async def _counting(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        received = 0
        started = False

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except BodyTooLarge:  # read outside FastAPI's body parsing, so not rendered yet
            if started:
                raise
            await too_large_response(max_bytes)(scope, receive, send)
