"""The queries of the admin's calendar days."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select

from app.core.workdays import CalendarDay


def calendar_days(year: int | None) -> Select[CalendarDay]:
    query = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        query = query.where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day < date(year + 1, 1, 1)
        )
    return query


def calendar_day_for_update(day: date) -> Select[CalendarDay]:
    query = select(CalendarDay).where(CalendarDay.day == day).with_for_update()
    return query.execution_options(populate_existing=True)
