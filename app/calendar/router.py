"""The admin's calendar days: holidays and make-up working days the package does not know."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.calendar import service
from app.calendar.schemas import CalendarDayRead, CalendarDayWrite
from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal

router = APIRouter(prefix="/api/v1/calendar-days", tags=["calendar"])


@router.get("")
async def list_calendar_days(
    session: SessionDep,
    _actor: Annotated[Principal, permit("calendar_day.list")],
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[CalendarDayRead]:
    """The admin's entries (of ``year``, if given), by day."""
    rows, total = await service.list_days(session, page, year)
    items = [CalendarDayRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{day}")
async def get_calendar_day(
    session: SessionDep, _actor: Annotated[Principal, permit("calendar_day.read")], day: date
) -> CalendarDayRead:
    return CalendarDayRead.model_validate(await service.get_day(session, day))


@router.put("/{day}", responses={201: {"model": CalendarDayRead, "description": "Created"}})
async def put_calendar_day(
    session: SessionDep,
    actor: Annotated[Principal, permit("calendar_day.write")],
    day: date,
    body: CalendarDayWrite,
    response: Response,
) -> CalendarDayRead:
    """Enter or replace the day: a holiday (``is_workday: false``) or a make-up working day
    (``true``). It overrides the package for that day."""
    entry, created = await service.set_day(session, actor, day, body)
    response.status_code = 201 if created else 200
    return CalendarDayRead.model_validate(entry)


@router.delete("/{day}", status_code=204)
async def delete_calendar_day(
    session: SessionDep, actor: Annotated[Principal, permit("calendar_day.delete")], day: date
) -> Response:
    """Remove the entry: the package decides the day again (or nobody does, for a year it does
    not cover)."""
    await service.delete_day(session, actor, day)
    return Response(status_code=204)
