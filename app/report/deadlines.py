"""The statutory clocks of a consumer report, in working days (``app.core.workdays``).

- **Accept within 7 working days** of receipt: 《市场监督管理投诉举报处理暂行办法》 art. 14 (a
  complaint is accepted or refused, and the complainant told, within seven working days).
- **Finish within** ``GIMARK_REPORT_FINISH_WORKING_DAYS`` (default 30) working days of receipt.
  The seed programmes ask only that 12315/12345 complaints be "及时受理和处理"; the national
  rules give 15 working days to verify a 举报 and decide whether to open a case, extendable once
  by 15 (《市场监督管理行政处罚程序规定》 art. 18): 30 is that limit with its extension. A
  bureau that mediates complaints (45 working days from acceptance, art. 21 of the 暂行办法)
  sets its own figure.

A day counts from the day the report reached the bureau handling it (``received_on``: the day
it was filed, or referred); ``add(received_on, n)`` is the last day of the window, and the clock
runs out at the end of that day in the public zone (``due_end``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.core.time import public_zone
from app.core.workdays import CalendarNotCovered, WorkingCalendar

ACCEPT_WORKING_DAYS = 7
DEFAULT_FINISH_WORKING_DAYS = 30


@dataclass(frozen=True)
class Clocks:
    received_on: date
    accept_by: date | None
    finish_by: date | None


def clocks(calendar: WorkingCalendar, received_on: date, finish_working_days: int) -> Clocks:
    """Both deadlines of a report received on ``received_on``; None for one the calendar
    cannot count (a year nobody has entered yet): no deadline is better than a wrong one."""
    try:
        accept_by: date | None = calendar.add(received_on, ACCEPT_WORKING_DAYS)
    except CalendarNotCovered:
        accept_by = None
    try:
        finish_by: date | None = calendar.add(received_on, finish_working_days)
    except CalendarNotCovered:
        finish_by = None
    return Clocks(received_on, accept_by, finish_by)


def due_end(day: date | None) -> datetime | None:
    """The instant a deadline day is over: midnight after it, in the public zone, as UTC."""
    if day is None:
        return None
    local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=public_zone())
    return local.astimezone(UTC)
