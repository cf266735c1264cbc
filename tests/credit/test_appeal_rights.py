"""The appeal trail as an enterprise sees it (issue 14, point 6): every adverse act against it
with the deadline to apply for administrative review and to sue, and no one else's acts.
(That every adverse action records its right is checked path by path in
``tests/audit/test_transitions.py``.)"""

from __future__ import annotations

import factories
import pytest

from app.core.appeals import add_months, deadlines, period_end
from app.core.principal import Role
from app.core.time import public_today
from app.core.workdays import WorkingCalendar

TODAY = public_today()
# 60 days and 6 months from today, each moved off a day off (no admin calendar entries here)
DUE = deadlines(TODAY, calendar=WorkingCalendar())


def test_deadlines_count_from_the_day_of_the_act() -> None:
    due = deadlines(date_(2026, 3, 1))
    assert due.review_by == date_(2026, 4, 30)  # 60 days, the first day not counted
    assert due.litigation_by == date_(2026, 9, 1)
    assert add_months(date_(2026, 8, 31), 6) == date_(2027, 2, 28)
    assert add_months(date_(2027, 8, 31), 6) == date_(2028, 2, 29)
    assert add_months(date_(2026, 12, 15), 1) == date_(2027, 1, 15)


def test_a_deadline_on_a_day_off_moves_to_the_next_working_day() -> None:
    calendar = WorkingCalendar()
    due = deadlines(date_(2026, 8, 2), calendar=calendar)
    assert due.review_by == date_(2026, 10, 8)  # 1 October: National Day, off until the 7th
    assert due.litigation_by == date_(2027, 2, 2)  # a Tuesday, in a year not yet covered
    on_a_weekday = deadlines(date_(2026, 3, 1), calendar=calendar)
    assert on_a_weekday == deadlines(date_(2026, 3, 1))  # 30 April and 1 September stand
    # A make-up Saturday is a working day; an uncovered year skips weekends only.
    assert period_end(date_(2026, 10, 10), calendar) == date_(2026, 10, 10)
    assert period_end(date_(2027, 3, 6), calendar) == date_(2027, 3, 8)
    # An admin's entry counts: a day declared off pushes the deadline on.
    closed = WorkingCalendar({date_(2026, 4, 30): False})
    assert deadlines(date_(2026, 3, 1), calendar=closed).review_by == date_(2026, 5, 6)


def date_(y: int, m: int, d: int):
    from datetime import date

    return date(y, m, d)


@pytest.fixture
async def two_shops(session, client):
    product = await factories.product(session, code="WYAPL")
    mine = await factories.enterprise(session, name="申诉企业")
    theirs = await factories.enterprise(session, name="别家企业")
    return {
        "mine": await factories.licence(session, mine.id, product.id),
        "theirs": await factories.licence(session, theirs.id, product.id),
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, mine.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


async def test_a_licensee_sees_the_appeal_rights_of_acts_against_it_only(client, two_shops) -> None:
    regulator = two_shops["regulator"]
    for licence in (two_shops["mine"], two_shops["theirs"]):
        suspended = await client.post(
            f"/api/v1/licences/{licence.id}/suspend",
            json={"reason": "抽检不合格"},
            headers=regulator,
        )
        assert suspended.status_code == 200, suspended.text

    response = await client.get("/api/v1/appeal-rights", headers=two_shops["licensee"])
    assert response.status_code == 200
    (right,) = response.json()["items"]
    assert right["action"] == "licence.suspend" and right["object_type"] == "licence"
    assert right["object_id"] == two_shops["mine"].id and right["reason"] == "抽检不合格"
    assert right["acted_on"] == TODAY.isoformat()
    assert right["review_by"] == DUE.review_by.isoformat()
    assert right["litigation_by"] == DUE.litigation_by.isoformat()
    assert "行政复议法" in right["review_basis"] and "行政诉讼法" in right["litigation_basis"]

    asked = {"enterprise_id": two_shops["theirs"].enterprise_id}
    other = await client.get("/api/v1/appeal-rights", params=asked, headers=two_shops["licensee"])
    assert other.json()["items"] == []
    staff = await client.get("/api/v1/appeal-rights", params=asked, headers=regulator)
    assert [r["object_id"] for r in staff.json()["items"]] == [two_shops["theirs"].id]


async def test_a_withdrawal_notice_states_the_appeal_deadlines(client, two_shops) -> None:
    grounds = {"reason": "两年未使用", "legal_basis": "公告第354号", "case_number": "WY-1"}
    url = f"/api/v1/licences/{two_shops['mine'].id}/withdraw"
    assert (await client.post(url, json=grounds, headers=two_shops["regulator"])).status_code == 200
    notices = await client.get("/api/v1/public/notices", params={"kind": "licence_withdrawal"})
    (notice,) = [n for n in notices.json()["items"] if n["case_number"] == "WY-1"]
    assert notice["detail"]["appeal"]["review_by"] == DUE.review_by.isoformat()
    html = await client.get("/public/notices", params={"kind": "licence_withdrawal"})
    assert DUE.review_by.isoformat() in html.text
