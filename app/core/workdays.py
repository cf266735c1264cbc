"""Working days in mainland China: statutory deadlines (an objection window, the 7 working days
to accept a consumer report) are counted in them.

The State Council publishes each year's public holidays and the make-up working days (调休) that
come with them late in the year before; the ``chinesecalendar`` package carries them. For a year
the package does not cover yet, an admin keeps the days by hand (``calendar_day``: a date and
whether it is a working day); those entries also correct the package where a local arrangement
differs. A question about a day that neither knows is an error that says what to do, never a
guess: a wrong deadline is worse than none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import Boolean, Date, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.errors import Unprocessable
from app.core.models import Base, Timestamped

# A deadline never lies further ahead than this; a count that would is a caller's bug.
MAX_WORKING_DAYS = 366


class CalendarDay(Timestamped, Base):
    """An admin's word on one day: a holiday or a make-up working day, for a year the package
    does not cover or where a local arrangement differs."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(100), default="")


class CalendarNotCovered(Unprocessable):
    code = "calendar_not_covered"

    def __init__(self, day: date) -> None:
        super().__init__(
            f"the working-day calendar does not cover {day.year} yet: an admin must enter that "
            f"year's public holidays and make-up working days (PUT /api/v1/calendar-days/{{day}})"
        )


@dataclass(frozen=True)
class WorkingCalendar:
    """The package's calendar with an admin's entries on top (``True`` = a working day)."""

    overrides: Mapping[date, bool] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            # Uncovered year: weekends are still days off, but a weekday may be a holiday
            # nobody has entered; only a year with admin entries is trusted.
            if not any(entry.year == day.year for entry in self.overrides):
                raise CalendarNotCovered(day) from None
            return day.weekday() < 5

    def add(self, start: date, working_days: int) -> date:
        """The day ``working_days`` working days after ``start`` (start itself not counted):
        a window of 7 working days opened on ``start`` ends at the end of ``add(start, 7)``."""
        if not 0 <= working_days <= MAX_WORKING_DAYS:
            raise ValueError(f"working_days must be 0..{MAX_WORKING_DAYS}")
        day, left = start, working_days
        while left:
            day += timedelta(days=1)
            left -= self.is_workday(day)
        return day

    def first_workday_from(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count


async def working_calendar(session: AsyncSession) -> WorkingCalendar:
    """The calendar with every admin entry loaded (a few dozen rows a year)."""
    rows = await session.execute(select(CalendarDay.day, CalendarDay.is_workday))
    return WorkingCalendar({day: is_workday for day, is_workday in rows})
