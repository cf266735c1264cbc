"""An admin's holidays and make-up working days (``calendar_day``): for a year the calendar
package does not cover yet, or where a local arrangement differs from it. Every change is
audited; deadlines counted afterwards (``app.core.workdays``) read the new entries."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import snapshot
from app.audit.transition import record_transition
from app.calendar import repository
from app.calendar.schemas import CalendarDayWrite
from app.core.errors import NotFound, Unprocessable
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal
from app.core.workdays import CalendarDay

FIELDS = ("is_workday", "note")


def _in_range(day: date) -> date:
    if not 2000 <= day.year <= 2100:
        raise Unprocessable(f"{day}: a calendar day lies in 2000..2100", field="day")
    return day


async def list_days(
    session: AsyncSession, page: PageParams, year: int | None
) -> tuple[list[CalendarDay], int]:
    return await paginate(session, repository.calendar_days(year), page)


async def get_day(session: AsyncSession, day: date) -> CalendarDay:
    entry = await session.get(CalendarDay, _in_range(day))
    if entry is None:
        raise NotFound(f"no calendar entry for {day}")
    return entry


async def set_day(
    session: AsyncSession, actor: Principal, day: date, data: CalendarDayWrite
) -> tuple[CalendarDay, bool]:
    """(the entry, whether it is new): a PUT creates or replaces the day's entry."""
    entry = await session.scalar(repository.calendar_day_for_update(_in_range(day)))
    before = snapshot(entry, *FIELDS) if entry is not None else None
    created = entry is None
    if entry is None:
        entry = CalendarDay(day=day)
        session.add(entry)
    entry.is_workday, entry.note = data.is_workday, data.note.strip()
    await session.flush()
    await record_transition(
        session,
        actor,
        "calendar_day.set",
        "calendar_day",
        day.isoformat(),
        before=before,
        after=snapshot(entry, *FIELDS),
    )
    return entry, created


async def delete_day(session: AsyncSession, actor: Principal, day: date) -> None:
    entry = await session.scalar(repository.calendar_day_for_update(_in_range(day)))
    if entry is None:
        raise NotFound(f"no calendar entry for {day}")
    before = snapshot(entry, *FIELDS)
    await session.delete(entry)
    await session.flush()
    await record_transition(
        session, actor, "calendar_day.delete", "calendar_day", day.isoformat(), before=before
    )
