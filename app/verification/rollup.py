"""Scan retention: rows older than 180 days become per-code daily counts, then go."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import public_date, public_zone
from app.verification.models import Scan, ScanDaily

RETENTION = timedelta(days=180)


async def roll_up(session: AsyncSession, now: datetime) -> int:
    """Returns how many scan rows were folded into ``scan_daily``. Run it daily: a day is
    rolled up once, so its distinct-source count is exact.

    A day is a calendar day in the public zone (``GIMARK_TIME_ZONE``), as every public date is:
    a scan at 16:30 UTC counts for the next day in Wuyuan."""
    cutoff = now - RETENTION
    if session.get_bind().dialect.name == "postgresql":
        rows = await _daily_in_sql(session, cutoff)
    else:
        rows = await _daily_in_python(session, cutoff)
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(ScanDaily).values(rows)
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=["code", "day"],
            set_={
                "scans": ScanDaily.scans + upsert.excluded.scans,
                "distinct_sources": ScanDaily.distinct_sources + upsert.excluded.distinct_sources,
            },
        )
    )
    result = await session.execute(delete(Scan).where(Scan.scanned_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def _daily_in_sql(session: AsyncSession, cutoff: datetime) -> list[dict[str, Any]]:
    day = func.date(func.timezone(public_zone().key, Scan.scanned_at))
    grouped = (
        select(
            Scan.code, day.label("day"), func.count(), func.count(func.distinct(Scan.source_hash))
        )
        .where(Scan.scanned_at < cutoff)
        .group_by(Scan.code, day)
    )
    return [
        {"code": code, "day": value, "scans": scans, "distinct_sources": sources}
        for code, value, scans, sources in await session.execute(grouped)
    ]


async def _daily_in_python(session: AsyncSession, cutoff: datetime) -> list[dict[str, Any]]:
    """SQLite knows no time zones (only fixed offsets and the server's own zone), so the
    development database groups here; it never holds a production day's scans."""
    query = select(Scan.code, Scan.scanned_at, Scan.source_hash).where(Scan.scanned_at < cutoff)
    scans: Counter[tuple[str, date]] = Counter()
    sources: defaultdict[tuple[str, date], set[str]] = defaultdict(set)
    for code, scanned_at, source in await session.execute(query):
        key = (code, public_date(scanned_at))
        scans[key] += 1
        sources[key].add(source)
    return [
        {"code": code, "day": day, "scans": count, "distinct_sources": len(sources[code, day])}
        for (code, day), count in scans.items()
    ]
