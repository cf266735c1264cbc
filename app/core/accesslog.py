"""The request log: one line per request (time, request id, method, route template, status,
milliseconds), in the same JSON shape as every other gimark log line (``app.core.logformat``)
or as plain text for development.

Written by hand rather than through ``logging``: a record through the logging module (record
object, caller lookup, scrubbing, formatter, handler lock, a flush per line) measured ~80 µs
per request on the shared dev machine, half the CPU of a whole public check; this writer costs
a few microseconds. Its fields need no scrubbing by construction: the route is a template
(never a code or a name), the request id is restricted to ``[A-Za-z0-9._-]``
(``app.core.requestid``), the method is an HTTP token.

JSON lines are buffered and written in blocks (every ``BLOCK`` lines, and at least once a second
by the metrics sampler, and at shutdown); so a request's line can follow, by up to a second, an
error line written for it. Text lines are written at once: a developer watches them live."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime

BLOCK = 64


class AccessLog:
    def __init__(self, log_format: str) -> None:
        self.json = log_format == "json"
        self._lines: list[str] = []
        self._routes: dict[str, str] = {}  # route template -> its JSON string, made once
        self._second = -1
        self._stamp = ""

    def write(
        self, request_id: str | None, method: str, route: str, status: int, ms: float
    ) -> None:
        if not self.json:
            line = f"{method} {route} {status} {ms:.3f}"
            sys.stderr.write(f"{self._now(' ')} INFO gimark.access [{request_id}] {line}\n")
            return
        quoted = self._routes.get(route)
        if quoted is None:
            quoted = self._routes[route] = json.dumps(route, ensure_ascii=False)
        if not method.isalpha():
            method = json.dumps(method)[1:-1]
        self._lines.append(
            f'{{"time": "{self._now("T")}+00:00", "level": "info", "logger": "gimark.access",'
            f' "message": "request", "request_id": "{request_id}", "method": "{method}",'
            f' "route": {quoted}, "status": {status}, "ms": {ms:.3f}}}\n'
        )
        if len(self._lines) >= BLOCK:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            lines, self._lines = self._lines, []
            sys.stderr.write("".join(lines))
            sys.stderr.flush()

    def _now(self, separator: str) -> str:
        """UTC to the millisecond; the part up to the second is formatted once a second."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%d{}%H:%M:%S")
        return self._stamp.format(separator) + f".{int((now - second) * 1000):03d}"
