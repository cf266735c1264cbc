"""What ``/metrics`` samples of the public check once a second (``app.core.metrics.Sampler``):
the scan buffer's depth and drops, the verdict cache's hits and misses, and both connection
pools (SQLAlchemy's, and the hot path's asyncpg pool). Read from plain attributes the hot path
keeps anyway, so the check itself never calls the metrics library."""

from __future__ import annotations

from collections.abc import Callable

from app.core import metrics
from app.core.db import Database
from app.verification.service import Verifier


def _pool_gauges(verifier: Verifier, database: Database) -> None:
    pool = database.engine.pool
    checked_out = getattr(pool, "checkedout", None)
    if checked_out is not None:  # a QueuePool; SQLite's may be another kind
        in_use = int(checked_out())
        metrics.POOL_IN_USE.labels("sqlalchemy").set(in_use)
        metrics.POOL_SIZE.labels("sqlalchemy").set(in_use + int(pool.checkedin()))  # type: ignore[attr-defined]
    if verifier.pool is not None:
        size = verifier.pool.get_size()
        metrics.POOL_IN_USE.labels("verify").set(size - verifier.pool.get_idle_size())
        metrics.POOL_SIZE.labels("verify").set(size)


def sample_of(verifier: Verifier, database: Database) -> Callable[[], None]:
    """The function :class:`app.core.metrics.Sampler` calls once a second."""
    totals = metrics.Totals()
    hits, misses = metrics.CACHE_LOOKUPS.labels("hit"), metrics.CACHE_LOOKUPS.labels("miss")

    def sample() -> None:
        metrics.SCAN_BUFFER_DEPTH.set(verifier.scans.depth)
        totals.add("dropped", metrics.SCANS_DROPPED, verifier.scans.dropped)
        totals.add("hits", hits, verifier.cache.hits)
        totals.add("misses", misses, verifier.cache.misses)
        _pool_gauges(verifier, database)

    return sample
