"""The mark-use rate as the statistics show it (issue 13 point 2; the Wuyuan plan's 90 %
target). It is computed, and defined, once, by ``app.supervision.use_rate`` from the roster of
every producing enterprise, licensed or not; this module only narrows the statistics' filters
to what that definition can answer.

The rate is a figure of one product over one calendar year or month (DESIGN: "used in P" is
a year or month in the deployment's time zone), so the statistics show it only when their
filters name a product and cover exactly such a period; for any other filter they say why no
rate is shown, never a number made up from a different period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from app.supervision import use_rate as supervision

if TYPE_CHECKING:
    from app.statistics.service import Filters

TARGET = supervision.TARGET


@dataclass(frozen=True)
class UseRate:
    """Roster enterprises active in the period, and those of them that used the mark."""

    active: int
    used: int
    exporters_active: int
    exporters_used: int
    not_using: list[str] = field(default_factory=list)  # names, for the report's list
    target: float = TARGET

    @property
    def rate(self) -> float | None:
        return round(self.used / self.active, 4) if self.active else None

    @property
    def exporter_rate(self) -> float | None:
        return (
            round(self.exporters_used / self.exporters_active, 4) if self.exporters_active else None
        )

    @property
    def meets_target(self) -> bool | None:
        return None if self.rate is None else self.rate >= self.target


def period_of(start: date, end: date) -> str | None:
    """``2026`` or ``2026-03`` when [start, end] is exactly that year or month, else None."""
    if start.day != 1:
        return None
    if start.month == 1 and end == date(start.year, 12, 31):
        return f"{start.year}"
    next_month = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if end == next_month - timedelta(days=1):
        return f"{start.year}-{start.month:02d}"
    return None


async def current_use_rate(session: AsyncSession, filters: Filters) -> UseRate | None:
    """The rate for ``filters``, or None when they do not name one product over one calendar
    year or month (the page says which filter to choose)."""
    period = period_of(filters.start, filters.end)
    if filters.product_id is None or period is None:
        return None
    found = await supervision.use_rate(session, filters.product_id, filters.division, period)
    return UseRate(
        active=found.all.active,
        used=found.all.used,
        exporters_active=found.exporters.active,
        exporters_used=found.exporters.used,
        not_using=[user.name for user in found.non_users],
        target=found.target,
    )
