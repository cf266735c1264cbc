"""An admin keeps the working-day calendar's own entries (holidays, make-up working days) for
years the package does not cover: admin only, audited, and read by every deadline after."""

from datetime import date

import factories
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.principal import Role
from app.core.workdays import working_calendar

URL = "/api/v1/calendar-days"


async def test_an_admin_enters_reads_lists_and_removes_days(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    # 2030 is beyond the package: counting a deadline in it needs an admin's entries.
    holiday = {"is_workday": False, "note": "元旦"}
    created = await client.put(f"{URL}/2030-01-01", json=holiday, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["day"] == "2030-01-01" and created.json()["is_workday"] is False
    make_up = {"is_workday": True, "note": "调休上班"}
    assert (await client.put(f"{URL}/2030-02-09", json=make_up, headers=admin)).status_code == 201
    replaced = await client.put(
        f"{URL}/2030-02-09", json=make_up | {"note": "春节调休"}, headers=admin
    )
    assert replaced.status_code == 200 and replaced.json()["note"] == "春节调休"

    assert (await client.get(f"{URL}/2030-02-09", headers=admin)).json()["is_workday"] is True
    listed = await client.get(URL, params={"year": 2030}, headers=admin)
    assert [d["day"] for d in listed.json()["items"]] == ["2030-01-01", "2030-02-09"]
    assert (await client.get(URL, params={"year": 2031}, headers=admin)).json()["total"] == 0

    calendar = await working_calendar(session)
    assert calendar.is_workday(date(2030, 2, 9))  # a Saturday, worked
    assert not calendar.is_workday(date(2030, 1, 1))

    assert (await client.delete(f"{URL}/2030-02-09", headers=admin)).status_code == 204
    assert (await client.get(f"{URL}/2030-02-09", headers=admin)).status_code == 404
    assert (await client.delete(f"{URL}/2030-02-09", headers=admin)).status_code == 404

    events = await session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "calendar_day").order_by(AuditEvent.seq)
    )
    trail = [(e.action, e.object_id) for e in events]
    assert trail == [
        ("calendar_day.set", "2030-01-01"),
        ("calendar_day.set", "2030-02-09"),
        ("calendar_day.set", "2030-02-09"),
        ("calendar_day.delete", "2030-02-09"),
    ]


async def test_only_an_admin_keeps_the_calendar(session, client) -> None:
    body = {"is_workday": False, "note": "假日"}
    for role in (Role.REGULATOR, Role.INSPECTOR, Role.LICENSEE):
        headers = await factories.auth_headers(session, client, role)
        assert (
            await client.put(f"{URL}/2030-05-01", json=body, headers=headers)
        ).status_code == 403
        assert (await client.get(URL, headers=headers)).status_code == 403
    assert (await client.get(URL)).status_code == 401


async def test_a_day_out_of_range_or_malformed_is_refused(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    body = {"is_workday": False}
    assert (await client.put(f"{URL}/1999-12-31", json=body, headers=admin)).status_code == 422
    assert (await client.put(f"{URL}/2030-02-30", json=body, headers=admin)).status_code == 422
    assert (await client.get(URL, params={"year": 1999}, headers=admin)).status_code == 422
