"""``/metrics`` in the Prometheus text format, through ``prometheus_client`` (the Prometheus
project's own Python client: its exposition format, its parser, its multiprocess mode).

What is measured, and why this way:

* requests, counted and timed per *route template* (``/api/v1/verify/{code:gimark_code}``),
  never per raw path: one series per code would be millions of series. Unmatched paths share
  one label. The observing middleware (``app.core.observe``) is pure ASGI and only adds to
  plain dicts (:class:`RequestMetrics`), moved into the library once a second and at scrapes.
* state that is not per request (the scan buffer's depth and drops, the connection pools, the
  verify cache's hits and misses) is sampled once a second by a task (:class:`Sampler`) from
  plain attributes the hot path keeps: nothing on the hot path calls the client library.

Not public: ``/metrics`` answers only ``Authorization: Bearer <GIMARK_METRICS_TOKEN>``
(compared in constant time) and is a 404 while no token is set. A token rather than a second
port because a second listener cannot be shared by several uvicorn workers, while a token
works the same behind any proxy; the proxy need not expose the path at all.

Several workers: start them with ``PROMETHEUS_MULTIPROC_DIR`` pointing at an empty directory
(set before the app is imported; wiped at each start); every worker writes its values there
and whichever worker answers the scrape aggregates all of them (counters and histograms
summed, gauges summed over live workers).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "(unmatched)"
# Latency buckets (seconds) around the verify endpoint's: sub-millisecond to a slow PDF.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter(
    "gimark_http_requests",
    "HTTP requests answered, by route template",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "gimark_http_request_duration_seconds",
    "Time to answer, by route template",
    ["method", "route"],
    buckets=BUCKETS,
)
SCAN_BUFFER_DEPTH = Gauge(
    "gimark_scan_buffer_depth", "Scans buffered, not yet written", multiprocess_mode="livesum"
)
SCANS_DROPPED = Counter(
    "gimark_scan_buffer_dropped", "Scans never written (buffer full in an outage, or refused)"
)
CACHE_LOOKUPS = Counter(
    "gimark_verify_cache_lookups",
    "Verdict cache lookups of the public check; hit rate = hits / (hits + misses)",
    ["result"],
)
POOL_IN_USE = Gauge(
    "gimark_db_pool_in_use",
    "Database connections checked out",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "gimark_db_pool_open", "Database connections open", ["pool"], multiprocess_mode="livesum"
)


class RequestMetrics:
    """The per-request half. ``observe`` only adds to plain dicts (a dict update and a
    bisection, ~1 µs); :meth:`publish` moves the sums into the client library's counter and
    histogram once a second (the sampler) and before every scrape. Observed one by one through
    the library, a counter and a histogram cost ~5 µs a request (a lock each, the histogram's
    linear bucket walk), 3 % of a public check."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        # per (method, route): one count per bucket (the last is +Inf), then the sum of seconds
        self._latencies: dict[tuple[str, str], list[float]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        self._counts[key] = self._counts.get(key, 0) + 1
        slot = self._latencies.get((method, route))
        if slot is None:
            slot = self._latencies[method, route] = [0.0] * (len(BUCKETS) + 2)
        slot[bisect_left(BUCKETS, seconds)] += 1  # the first bound >= seconds, as the library
        slot[-1] += seconds

    def publish(self) -> None:
        counts, self._counts = self._counts, {}
        latencies, self._latencies = self._latencies, {}
        for (method, route, status), count in counts.items():
            REQUESTS.labels(method, route, status).inc(count)
        for (method, route), slot in latencies.items():
            _add_to_histogram(LATENCY.labels(method, route), slot)


def _add_to_histogram(child: Any, slot: list[float]) -> None:
    """Adds bucket counts and a sum observed elsewhere. The client library has no public call
    for that; its histogram keeps one value per bucket (not cumulative) and one for the sum,
    as here (``Histogram._buckets``, ``_sum``; tests/ops/test_metrics.py reads them back)."""
    for index, count in enumerate(slot[:-1]):
        if count:
            child._buckets[index].inc(count)
    child._sum.inc(slot[-1])


REQUEST_METRICS = RequestMetrics()  # one per process, as the library's values are


class Totals:
    """Turns running totals kept as plain ints into counter increments (counters only go up)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def add(self, name: str, counter: Any, total: int) -> None:
        delta = total - self._seen.get(name, 0)
        if delta > 0:
            counter.inc(delta)
        self._seen[name] = max(total, self._seen.get(name, 0))


class Sampler:
    """Calls each of ``samples`` every ``interval`` seconds (and once more when stopped)."""

    def __init__(self, *samples: Callable[[], None], interval: float = 1.0) -> None:
        self.samples, self.interval = samples, interval
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> None:
        REQUEST_METRICS.publish()
        for sample in self.samples:
            sample()

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.sample()
        if os.environ.get(MULTIPROCESS_ENV):
            multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def exposition() -> bytes:
    """The text format: this process's metrics, or every worker's in multiprocess mode."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


class MetricsEndpoint:
    """``GET /metrics``, for the holder of the token only (a 404 to everyone else, so the path
    does not even show it exists)."""

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode() if token else None

    def _allowed(self, scope: Scope) -> bool:
        if self._expected is None:
            return False
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                return secrets.compare_digest(value, self._expected)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._allowed(scope):
            raise HTTPException(404, "Not Found")  # answered as any unknown path is
        REQUEST_METRICS.publish()  # this process's requests up to now
        # Reading every worker's files takes a few ms: not on the event loop.
        body = await run_in_threadpool(exposition)
        await Response(body, media_type=CONTENT_TYPE_LATEST)(scope, receive, send)
