"""Scan retention: rows older than 180 days become per-code daily counts, then go."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import public_date
from app.verification.repository import scans as repository

RETENTION = timedelta(days=180)


async def roll_up(session: AsyncSession, now: datetime) -> int:
    """Returns how many scan rows were folded into ``scan_daily``. Run it daily: a day is
    rolled up once, so its distinct-source count is exact.

    A day is a calendar day in the public zone (``GIMARK_TIME_ZONE``), as every public date is:
    a scan at 16:30 UTC counts for the next day in Wuyuan."""
    cutoff = now - RETENTION
    if session.get_bind().dialect.name == "postgresql":
        rows = await repository.daily_counts_before(session, cutoff)
    else:
        rows = await _daily_in_python(session, cutoff)
    if not rows:
        return 0
    await repository.add_daily_counts(session, rows)
    return await repository.delete_scans_before(session, cutoff)


async def _daily_in_python(session: AsyncSession, cutoff: datetime) -> list[dict[str, Any]]:
    """SQLite knows no time zones (only fixed offsets and the server's own zone), so the
    development database groups here; it never holds a production day's scans."""
    scans: Counter[tuple[str, date]] = Counter()
    sources: defaultdict[tuple[str, date], set[str]] = defaultdict(set)
    for code, scanned_at, source in await repository.scans_before(session, cutoff):
        key = (code, public_date(scanned_at))
        scans[key] += 1
        sources[key].add(source)
    return [
        {"code": code, "day": day, "scans": count, "distinct_sources": len(sources[code, day])}
        for (code, day), count in scans.items()
    ]
