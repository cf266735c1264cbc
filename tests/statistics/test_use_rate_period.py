"""The statistics show the mark-use rate only for what its one definition answers: one
product over a whole calendar year or month (``app.supervision.use_rate``)."""

from __future__ import annotations

from datetime import date

import pytest

from app.statistics.use_rate import period_of

pytestmark = pytest.mark.dbless


@pytest.mark.parametrize(
    ("start", "end", "period"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), "2025"),
        (date(2025, 2, 1), date(2025, 2, 28), "2025-02"),
        (date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        (date(2025, 12, 1), date(2025, 12, 31), "2025-12"),
        (date(2025, 1, 1), date(2025, 1, 31), "2025-01"),
        (date(2025, 1, 2), date(2025, 12, 31), None),
        (date(2025, 1, 1), date(2025, 12, 30), None),
        (date(2025, 1, 1), date(2026, 12, 31), None),
        (date(2025, 2, 1), date(2025, 3, 31), None),
    ],
)
def test_only_a_whole_year_or_month_is_a_period(start: date, end: date, period: str) -> None:
    assert period_of(start, end) == period
