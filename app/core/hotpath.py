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

**At the edge** (issue 16, given an :class:`Edge`): the app adds HotPaths *outermost*, so a hot
request skips the middleware stack altogether, and HotPaths does inline, in one coroutine, what
those middlewares do to it: the request id (``X-Request-ID``, bound for logs), the rate limit
(the same rules and the same backend as ``RateLimitMiddleware``, so a hot and a routed check
spend one budget), the metrics and the access-log line (``ObserveMiddleware``'s), the app's
exception handlers and, for what none takes, ``RequestIdMiddleware``'s 500/503. The body limit
has nothing to do for a GET without a body, which is all HotPaths takes; a URL holding a NUL is
left to the full stack (its 422). Measured with cProfile under wrk: the six nested middlewares,
each with its own ``send`` wrapper and coroutine frame, were ~28 % of a public check's CPU.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from starlette._utils import get_route_path
from starlette.exceptions import HTTPException
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.accesslog import AccessLog
from app.core.inputs import url_nul_errors
from app.core.metrics import RequestMetrics
from app.core.outage import is_database_outage
from app.core.ratelimit import RateLimitMiddleware
from app.core.requestid import HEADER, bind_for_request, incoming_id, unbind

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


@dataclass(frozen=True)
class Edge:
    """What the outer middlewares do to every request, for HotPaths to do inline (see the
    module docstring); each part is the very object the middleware of the full stack uses."""

    metrics: RequestMetrics
    access_log: AccessLog | None
    limiter: RateLimitMiddleware | None  # its rules, backend and refusal; never called as an app
    on_error: Callable[[Scope, Exception], ASGIApp]  # RequestIdMiddleware's


class HotPaths:
    def __init__(
        self,
        app: ASGIApp,
        *,
        handlers: dict[Any, Any],
        exact: dict[str, ASGIApp],
        segments: tuple[SegmentRoute, ...] = (),
        edge: Edge | None = None,
    ) -> None:
        self.app, self.edge = app, edge
        # As FastAPI.build_middleware_stack splits them: 500/Exception is the outer error page.
        table = {k: v for k, v in handlers.items() if k not in (500, Exception)}
        self._by_status = {k: v for k, v in table.items() if isinstance(k, int)}
        self._by_class = {k: v for k, v in table.items() if isinstance(k, type)}
        self.exact = {
            path: (Route(path, h, methods=["GET"]), h, ExceptionMiddleware(h, handlers=table))
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
            found = self._match(get_route_path(scope))
            if found is not None and (self.edge is None or not url_nul_errors(scope)):
                route, params, handler, wrapped = found
                scope["route"], scope["path_params"] = route, params
                if self.edge is None:
                    await wrapped(scope, receive, send)
                else:
                    await self._at_the_edge(self.edge, handler, route.path, scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _match(self, path: str) -> tuple[Route, dict[str, str], ASGIApp, ASGIApp] | None:
        found = self.exact.get(path)
        if found is not None:
            return found[0], {}, found[1], found[2]
        for segment, route, wrapped in self.segments:
            if path.startswith(segment.prefix):
                value = path[len(segment.prefix) :]
                if 0 < len(value) <= segment.max_length and "/" not in value:
                    return route, {segment.param: value}, segment.handler, wrapped
        return None

    async def _at_the_edge(
        self,
        edge: Edge,
        handler: ASGIApp,
        template: str,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """Request id, rate limit, handler, exception handlers, error page, metrics and log
        line, in the order the full stack applies them (see the module docstring)."""
        started = time.perf_counter()
        request_id = incoming_id(scope)
        token = bind_for_request(request_id)
        id_header = (HEADER, request_id.encode())
        status, responded = 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            refusal = None if edge.limiter is None else await edge.limiter.refusal_for(scope)
            try:
                if refusal is not None:
                    await refusal(scope, receive, send_with_id)
                else:
                    await handler(scope, receive, send_with_id)
            except Exception as exc:
                answer = self._handler_for(exc)
                if answer is None or responded:
                    raise
                response = answer(Request(scope, receive), exc)
                response = await response if isawaitable(response) else response
                await response(scope, receive, send_with_id)
        except Exception as exc:
            if responded:
                status = 503 if is_database_outage(exc) else 500
                raise
            await edge.on_error(scope, exc)(scope, receive, send_with_id)
            status = 503 if is_database_outage(exc) else 500
        finally:
            seconds = time.perf_counter() - started
            edge.metrics.observe("GET", template, status, seconds)
            if edge.access_log is not None:
                edge.access_log.write(request_id, "GET", template, status, seconds * 1000)
            unbind(token)

    def _handler_for(self, exc: Exception) -> Any:
        """The app's handler for ``exc``, looked up as Starlette's ``ExceptionMiddleware``
        does: an HTTPException's status first, then the exception's classes, nearest first."""
        if isinstance(exc, HTTPException) and exc.status_code in self._by_status:
            return self._by_status[exc.status_code]
        for cls in type(exc).__mro__:
            if cls in self._by_class:
                return self._by_class[cls]
        return None


def _has_body(scope: Scope) -> bool:
    return any(name in _BODY_HEADERS for name, _value in scope["headers"])


FIXED_OK = b'{"status":"ok"}'


async def healthz(_scope: Scope, _receive: Receive, send: Send) -> None:
    """``/healthz``'s answer as the FastAPI route gives it, without building a response."""
    headers = [(b"content-length", b"15"), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": FIXED_OK})
