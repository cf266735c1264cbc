"""The appeal trail: every adverse act against an enterprise records its right to appeal.

Chinese administrative law gives the party an act is against two remedies, and the act must
tell it of both (《行政复议法》 art. 20: an application within 60 days of learning of the act;
《行政诉讼法》 art. 46: a suit within 6 months). gimark records them once per act, in the act's
transaction, from ``app.audit.transition``: an action marked ``adverse`` in its ``EFFECTS``
cannot be recorded without the enterprise it is against, so no service has to remember it,
and its public notice (where it owes one) carries the same deadlines.

In the kernel, like the notice ledger, because the adverse acts live in several domains
(licences, batches, revocations, the credit list). Reading the trail is ``app.appeal``'s.

The periods are settings (``GIMARK_APPEAL_REVIEW_DAYS``, ``GIMARK_APPEAL_LITIGATION_MONTHS``)
installed by ``create_app``; a deadline is counted from the act's calendar day in the GI's zone
(the first day not counted, as both laws count periods), so 60 days from 1 March end on 30 April.
A period whose last day is a day off ends on the next working day (《民事诉讼法》第八十五条,
whose counting of periods both laws follow), by the working-day calendar (app/core/workdays.py):
60 days from 2 August 2026 end on 8 October, after the National Day holiday, not on 1 October.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, UTCDateTime
from app.core.time import public_date, utcnow
from app.core.workdays import CalendarNotCovered, WorkingCalendar, working_calendar

REVIEW_BASIS = "《中华人民共和国行政复议法》第二十条"
LITIGATION_BASIS = "《中华人民共和国行政诉讼法》第四十六条"


@dataclass(frozen=True)
class AppealPeriods:
    review_days: int = 60  # 行政复议
    litigation_months: int = 6  # 行政诉讼


_periods = AppealPeriods()


def set_appeal_periods(periods: AppealPeriods) -> None:
    global _periods
    _periods = periods


def appeal_periods() -> AppealPeriods:
    return _periods


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter
    (31 August + 6 months = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadlines:
    acted_on: date
    review_by: date
    litigation_by: date

    def as_detail(self) -> dict[str, Any]:
        """What a public notice says of the right to appeal."""
        return {
            "acted_on": self.acted_on.isoformat(),
            "review_by": self.review_by.isoformat(),
            "review_basis": REVIEW_BASIS,
            "litigation_by": self.litigation_by.isoformat(),
            "litigation_basis": LITIGATION_BASIS,
        }


def period_end(last_day: date, calendar: WorkingCalendar) -> date:
    """The day a period ends whose last day by the count is ``last_day``: the first working day
    from it. In a year the calendar does not cover yet only weekends are skipped (an adverse act
    must never fail for want of a calendar), so a deadline may then fall on a public holiday,
    one the admin has not entered; ``CalendarNotCovered`` says so wherever days are counted."""
    try:
        return calendar.first_workday_from(last_day)
    except CalendarNotCovered:
        while last_day.weekday() >= 5:
            last_day += timedelta(days=1)
        return last_day


def deadlines(
    acted_on: date,
    periods: AppealPeriods | None = None,
    calendar: WorkingCalendar | None = None,
) -> Deadlines:
    """The deadlines of an act on ``acted_on``; with a ``calendar``, a deadline on a day off
    moves to the next working day."""
    periods = periods or _periods
    review_by = acted_on + timedelta(days=periods.review_days)
    litigation_by = add_months(acted_on, periods.litigation_months)
    if calendar is not None:
        review_by, litigation_by = (
            period_end(review_by, calendar),
            period_end(litigation_by, calendar),
        )
    return Deadlines(acted_on=acted_on, review_by=review_by, litigation_by=litigation_by)


class AppealRight(Base):
    """The right to appeal one adverse act, keyed by the act (action and object)."""

    __tablename__ = "appeal_right"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # the audited action: licence.suspend …
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(BigInteger)
    acted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acted_on: Mapped[date] = mapped_column(Date)  # the act's calendar day in the GI's zone
    review_by: Mapped[date] = mapped_column(Date)  # 行政复议 application deadline
    litigation_by: Mapped[date] = mapped_column(Date)  # 行政诉讼 filing deadline
    reason: Mapped[str | None] = mapped_column(String(2000))

    @property
    def deadlines(self) -> Deadlines:
        return Deadlines(self.acted_on, self.review_by, self.litigation_by)


async def record(
    session: AsyncSession,
    enterprise_id: int,
    action: str,
    object_type: str,
    object_id: int,
    reason: str | None,
) -> AppealRight:
    now = utcnow()
    due = deadlines(public_date(now), calendar=await working_calendar(session))
    right = AppealRight(
        enterprise_id=enterprise_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        acted_at=now,
        acted_on=due.acted_on,
        review_by=due.review_by,
        litigation_by=due.litigation_by,
        reason=reason[:2000] if reason else None,
    )
    session.add(right)
    await session.flush()
    return right
