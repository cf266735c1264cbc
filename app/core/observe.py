"""One place that sees every request end: it counts and times it for ``/metrics`` and writes
the request's log line (route template, status, duration, request id).

Pure ASGI, inside ``RequestIdMiddleware`` (so the id is bound) and outside everything else (so
a rate limiter's 429 and a body-limit 413 are seen too). An exception that escapes every
handler is recorded with the status ``RequestIdMiddleware`` will answer it with (503 for a
database outage, else 500) and passed on. The route is read from the scope after the app ran
(Starlette's router puts the matched route there), so it is the template, never the raw path.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.accesslog import AccessLog
from app.core.metrics import REQUEST_METRICS, UNMATCHED
from app.core.outage import is_database_outage
from app.core.requestid import current_request_id


def route_of(scope: Scope) -> str:
    """The matched route's template. FastAPI puts its own routes in the scope; a plain
    Starlette route (the lean verify endpoint, ``/metrics``, a mount) leaves its endpoint and
    ``path_params``, whose values are put back as ``{name}`` (from the right: parameters end
    the paths here)."""
    path: str | None = getattr(scope.get("route"), "path", None)
    if path is not None:
        return path
    if "endpoint" not in scope:  # nothing matched
        return UNMATCHED
    params = scope.get("path_params")
    if not params:
        return str(scope["path"])  # a route without parameters: its path is its template
    template: str = scope["path"]
    for name, value in params.items():
        head, found, tail = template.rpartition(str(value))
        if found and value != "":
            template = f"{head}{{{name}}}{tail}"
    return template


class ObserveMiddleware:
    def __init__(self, app: ASGIApp, access_log: AccessLog | None) -> None:
        self.app, self.access_log = app, access_log
        self.metrics = REQUEST_METRICS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        except Exception as exc:
            status = 503 if is_database_outage(exc) else 500
            raise
        finally:
            self._done(scope, status, time.perf_counter() - started)

    def _done(self, scope: Scope, status: int, seconds: float) -> None:
        method, route = scope["method"], route_of(scope)
        self.metrics.observe(method, route, status, seconds)
        if self.access_log is not None:
            self.access_log.write(current_request_id(), method, route, status, seconds * 1000)
