"""The hottest GET routes dispatched straight to their ASGI handlers, ahead of the route table.

Measured (cProfile, issue 16): of gimark's ``/healthz``, FastAPI's route matching over the ~300
routes took a quarter of the time and its dependency solving (the app-wide input guard, the
route's permission marker) half; the bare verify endpoint paid the same matching. Against a bare
FastAPI app that was 40 % of the throughput before any work was done.

:class:`HotPaths` is the innermost user middleware: everything added after it (request id, body
limit, NUL guard, rate limits, metrics) still wraps every request, hot or not. It takes only
``GET`` requests without a body whose path is exactly one of ``exact`` or one segment below a
``prefixes`` entry, of at most its length; anything else goes down the ordinary route table,
which keeps the documented FastAPI routes of the same paths (OpenAPI, other methods, longer
segments: 422). As the router would, it sets ``scope["route"]`` (a Starlette route with the
path template) and ``scope["path_params"]``, so what reads them afterwards (logs, metrics by
route) sees the same request either way. A hot handler's exceptions go through the app's own
exception handlers, as Starlette's ``ExceptionMiddleware`` would send them (built from the same
table), so an error answers the same problem+json either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette._utils import get_route_path
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

_BODY_HEADERS = (b"content-length", b"transfer-encoding")


@dataclass(frozen=True)
class SegmentRoute:
    """``prefix`` + one path segment of 1 to ``max_length`` characters, given to the handler
    as ``scope["path_params"][param]`` like Starlette's router would."""

    prefix: str
    param: str
    max_length: int
    handler: ASGIApp

    @property
    def template(self) -> str:
        return f"{self.prefix}{{{self.param}}}"


class HotPaths:
    def __init__(
        self,
        app: ASGIApp,
        *,
        handlers: dict[Any, Any],
        exact: dict[str, ASGIApp],
        segments: tuple[SegmentRoute, ...] = (),
    ) -> None:
        self.app = app
        # As FastAPI.build_middleware_stack splits them: 500/Exception is the outer error page.
        table = {k: v for k, v in handlers.items() if k not in (500, Exception)}
        self.exact = {
            path: (Route(path, h, methods=["GET"]), ExceptionMiddleware(h, handlers=table))
            for path, h in exact.items()
        }
        self.segments = tuple(
            (
                s,
                Route(s.template, s.handler, methods=["GET"]),
                ExceptionMiddleware(s.handler, handlers=table),
            )
            for s in segments
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not _has_body(scope):
            path = get_route_path(scope)
            found = self.exact.get(path)
            if found is not None:
                scope["route"], scope["path_params"] = found[0], {}
                await found[1](scope, receive, send)
                return
            for segment, route, wrapped in self.segments:
                if path.startswith(segment.prefix):
                    value = path[len(segment.prefix) :]
                    if 0 < len(value) <= segment.max_length and "/" not in value:
                        scope["route"], scope["path_params"] = route, {segment.param: value}
                        await wrapped(scope, receive, send)
                        return
        await self.app(scope, receive, send)


def _has_body(scope: Scope) -> bool:
    return any(name in _BODY_HEADERS for name, _value in scope["headers"])


FIXED_OK = b'{"status":"ok"}'


async def healthz(_scope: Scope, _receive: Receive, send: Send) -> None:
    """``/healthz``'s answer as the FastAPI route gives it, without building a response."""
    headers = [(b"content-length", b"15"), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": FIXED_OK})
