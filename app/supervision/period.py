"""A reporting period: a calendar year or month in the deployment's time zone (``app.core.time``),
so a label issued at 07:30 on 1 January in Wuyuan counts in the new year, not the old one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from app.core.errors import Unprocessable
from app.core.time import public_zone

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Period:
    first_day: date
    end_day: date  # the day after the last day
    label: str  # "2026" or "2026-03", as the caller wrote it

    @property
    def is_year(self) -> bool:
        return len(self.label) == 4

    @property
    def year(self) -> int:
        return self.first_day.year

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end_day.toordinal() - 1)

    def starts_at(self) -> datetime:
        """The period's first instant, in UTC (the storage's zone)."""
        return _utc_midnight(self.first_day)

    def ends_at(self) -> datetime:
        return _utc_midnight(self.end_day)


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=public_zone()).astimezone(UTC)


def parse_period(text: str) -> Period:
    """``2026`` (a year) or ``2026-03`` (a month)."""
    found = _PATTERN.match(text.strip())
    month = int(found.group(2)) if found and found.group(2) else None
    if found is None or (month is not None and not 1 <= month <= 12):
        raise Unprocessable(
            f"period {text!r} is neither a year (2026) nor a month (2026-03)", field="period"
        )
    year = int(found.group(1))
    if month is None:
        return Period(date(year, 1, 1), date(year + 1, 1, 1), f"{year}")
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(date(year, month, 1), end, f"{year}-{month:02d}")
