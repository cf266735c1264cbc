"""Scan retention: rows older than 180 days become per-code daily counts, then go."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.verification.models import Scan, ScanDaily

RETENTION = timedelta(days=180)


def _utc_day(session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", Scan.scanned_at))
    return func.date(Scan.scanned_at)


async def roll_up(session: AsyncSession, now: datetime) -> int:
    """Returns how many scan rows were folded into ``scan_daily``. Run it daily: a day is
    rolled up once, so its distinct-source count is exact."""
    cutoff = now - RETENTION
    day = _utc_day(session)
    grouped = (
        select(
            Scan.code, day.label("day"), func.count(), func.count(func.distinct(Scan.source_hash))
        )
        .where(Scan.scanned_at < cutoff)
        .group_by(Scan.code, day)
    )
    rows = [
        {"code": code, "day": _as_date(value), "scans": scans, "distinct_sources": sources}
        for code, value, scans, sources in await session.execute(grouped)
    ]
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


def _as_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value
