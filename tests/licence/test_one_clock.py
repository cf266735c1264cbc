"""One clock: "today" for every calendar-day rule is the day in GIMARK_TIME_ZONE (Asia/Shanghai).

The clock is frozen in the evening UTC, when it is already the next day in Wuyuan. Expiry reads
the same through the Python rule (register, licence detail) and the SQL rule (list filters)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import factories
import pytest
from sqlalchemy import select

from app.core import time as public_time
from app.core.principal import Role
from app.licence.models import Licence, LicenceStatus

EVENING_UTC = datetime(2030, 6, 1, 17, 0, tzinfo=UTC)  # 2030-06-02 01:00 in Beijing
YESTERDAY, TODAY, TOMORROW = date(2030, 6, 1), date(2030, 6, 2), date(2030, 6, 3)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(public_time, "utcnow", lambda: EVENING_UTC)
    return EVENING_UTC


@pytest.fixture
async def world(session, client, frozen_clock):
    product = await factories.product(session, code="WHPT", name_zh="乌海葡萄")
    licences = {}
    for name, until in (("昨日到期", YESTERDAY), ("今日到期", TODAY)):
        company = await factories.enterprise(session, name=name)
        licences[name] = await factories.licence(session, company.id, product.id, valid_until=until)
    return {
        "product": product,
        "licences": licences,
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


async def test_expired_reads_alike_in_python_and_sql(session, client, world) -> None:
    lapsed, current = world["licences"]["昨日到期"], world["licences"]["今日到期"]
    code = world["product"].code
    register = (await client.get("/api/v1/public/register", params={"q": code})).json()
    shown = {entry["enterprise_name"]: entry["status"] for entry in register["items"]}
    assert shown == {"昨日到期": "expired", "今日到期": "active"}

    async def listed(status: str) -> set[int]:
        params = {"status": status, "product_id": world["product"].id}
        page = await client.get("/api/v1/licences", params=params, headers=world["regulator"])
        assert page.status_code == 200, page.text
        assert {item["status"] for item in page.json()["items"]} <= {status}
        return {item["id"] for item in page.json()["items"]}

    assert await listed("expired") == {lapsed.id}
    assert await listed("active") == {current.id}

    rows = await session.execute(select(Licence.id, Licence.effective_status_sql()))
    in_sql = {licence_id: status for licence_id, status in rows}
    for licence in (lapsed, current):
        assert LicenceStatus(in_sql[licence.id]) is licence.effective_status()


async def test_a_production_date_of_today_in_wuyuan_is_accepted(session, client, world) -> None:
    company = await factories.enterprise(session, name="丰瑞农业")
    licence = await factories.licence(
        session, company.id, world["product"].id, valid_until=date(2031, 12, 31)
    )
    headers = await factories.auth_headers(session, client, Role.LICENSEE, company.id)
    body = {
        "licence_id": licence.id,
        "quantity": 20,
        "unit": "袋 0.5 kg",
        "origin": "乌海市海勃湾区",
    }

    async def request(lot: str, produced: date) -> int:
        json = body | {"lot_number": lot, "production_date": produced.isoformat()}
        response = await client.post(
            "/api/v1/batches", json=json, headers=headers | {"Idempotency-Key": lot}
        )
        return response.status_code

    assert await request("WH-1", TODAY) == 201
    assert await request("WH-2", TOMORROW) == 422
