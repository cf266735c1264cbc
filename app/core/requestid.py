"""A request id on every response (``X-Request-ID``), reused from the client when sane.

The middleware also turns an unhandled exception into a problem+json 500 itself: Starlette's
own error middleware sits outside every other middleware, where the id would be lost."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar, Token

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    request_id: str | None = _request_id.get()
    return request_id


def bind_request_id(request_id: str) -> None:
    """Name the current unit of work outside HTTP (a CLI command), for logs and audit events."""
    _request_id.set(request_id)


def bind_for_request(request_id: str) -> Token[str | None]:
    """Bind ``request_id`` for one request (``app.core.hotpath``); undo with :func:`unbind`."""
    return _request_id.set(request_id)


def unbind(token: Token[str | None]) -> None:
    _request_id.reset(token)


def incoming_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER:
            candidate: str = value.decode("latin-1")
            if _ACCEPTABLE.match(candidate):
                return candidate
    return secrets.token_hex(8)


class RequestIdMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware) so it costs microseconds on the verify hot path."""

    def __init__(self, app: ASGIApp, on_error: Callable[[Scope, Exception], ASGIApp]) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_id(scope)
        token = _request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_id(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            await self.on_error(scope, exc)(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)
