"""Working days: the package's holidays and make-up days, an admin's entries on top, and a
clear refusal for a year nobody has entered."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.workdays import CalendarNotCovered, WorkingCalendar

pytestmark = pytest.mark.dbless

PLAIN = WorkingCalendar()


def test_national_day_and_its_make_up_saturday():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are working days.
    assert not PLAIN.is_workday(date(2025, 10, 1))
    assert PLAIN.is_workday(date(2025, 9, 28))
    assert PLAIN.is_workday(date(2025, 10, 11))
    # Seven working days from Friday 26 September: 28 Sep (Sun), 29, 30, 9 Oct, 10, 11 (Sat), 13.
    assert PLAIN.add(date(2025, 9, 26), 7) == date(2025, 10, 13)
    assert PLAIN.between(date(2025, 9, 26), date(2025, 10, 13)) == 7


def test_an_admin_entry_overrides_the_package():
    local = WorkingCalendar({date(2025, 9, 29): False})
    assert local.add(date(2025, 9, 26), 7) == date(2025, 10, 14)


def test_an_uncovered_year_needs_an_admin():
    with pytest.raises(CalendarNotCovered) as refused:
        PLAIN.add(date(2030, 3, 1), 7)
    assert "2030" in refused.value.detail
    entered = WorkingCalendar({date(2030, 1, 1): False})
    assert entered.add(date(2030, 3, 1), 7) == date(2030, 3, 12)  # Fri + 7 weekdays
