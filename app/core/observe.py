"""One place that sees every request end: it counts and times it for ``/metrics`` and writes
the request's log line (route template, status, duration, request id).

Pure ASGI, inside ``RequestIdMiddleware`` (so the id is bound) and outside everything else (so
a rate limiter's 429 and a body-limit 413 are seen too). An exception that escapes every
handler is recorded with the status ``RequestIdMiddleware`` will answer it with (503 for a
database outage, else 500) and passed on. The route is read from the scope after the app ran
(Starlette's router puts the matched route there), so it is the template, never the raw path.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.metrics import UNMATCHED, RequestMetrics
from app.core.outage import is_database_outage

access = logging.getLogger("gimark.access")


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
    def __init__(self, app: ASGIApp, log_requests: bool = True) -> None:
        self.app, self.log_requests = app, log_requests
        self.metrics = RequestMetrics()

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
        if self.log_requests:
            # A constant message, the facts as fields: the log scrubber (logsafety) has nothing
            # to search, and the JSON formatter writes each as its own key.
            facts = {"method": method, "route": route, "status": status, "ms": seconds * 1000}
            access.info("request", extra=facts)
