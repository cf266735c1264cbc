"""Periodic jobs: each runs once per local calendar day (or once per ``every`` minutes-slot of
it), however many schedulers tick.

A day is a day in the deployment's time zone (``GIMARK_TIME_ZONE``, Asia/Shanghai by default),
like every other calendar-day rule: at 16:30 UTC it is already 00:30 the next day in Shanghai,
so a tick then enqueues the next day's jobs. Every scheduler (one per worker, on every
instance) inserts the job of (kind, day) with ON CONFLICT DO NOTHING, so exactly one exists.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.jobs import queue

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def deployment_zone(name: str | None = None) -> ZoneInfo:
    """The deployment's zone, ``GIMARK_TIME_ZONE`` (the variable the settings' ``time_zone``
    reads): read here too so that a stand-alone ``gimark jobs worker`` needs no app."""
    return ZoneInfo(name or os.environ.get("GIMARK_TIME_ZONE") or DEFAULT_TIME_ZONE)


def local_day(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``at`` o'clock on local ``day``, in UTC."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Periodic:
    """A job of ``kind`` every local day, due from ``at`` local time (quiet hours by default);
    or, with ``every``, one per slot of that length from local midnight (the statistics
    refresh, which must keep its figures at most five minutes stale)."""

    kind: str
    at: time = time(2, 0)
    max_attempts: int = 3
    every: timedelta | None = None

    def period(self, now: datetime, zone: ZoneInfo) -> tuple[str, datetime]:
        """The period key of the job due at ``now`` and the moment it is due from."""
        today = local_day(now, zone)
        if self.every is None:
            return today.isoformat(), local_moment(today, self.at, zone)
        midnight = local_moment(today, time(0, 0), zone)
        slot = (now - midnight) // self.every
        start = midnight + slot * self.every
        return f"{today.isoformat()}T{start.astimezone(zone):%H%M}", start


async def tick(
    session: AsyncSession, periodics: Sequence[Periodic], now: datetime, zone: ZoneInfo
) -> list[int]:
    """Enqueue the current period's job of each periodic kind that has none yet; the new ids."""
    created = []
    by_period: dict[str, list[tuple[Periodic, datetime]]] = {}
    for periodic in periodics:
        key, due = periodic.period(now, zone)
        by_period.setdefault(key, []).append((periodic, due))
    for key, due_ones in by_period.items():
        present = await queue.kinds_with_period(session, [p.kind for p, _ in due_ones], key)
        for periodic, due in due_ones:
            if periodic.kind in present:
                continue
            new_id = await queue.enqueue_once(
                session,
                periodic.kind,
                key,
                now,
                run_after=due,
                max_attempts=periodic.max_attempts,
            )
            if new_id is not None:
                created.append(new_id)
    return created
