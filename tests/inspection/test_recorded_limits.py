"""An inspection keeps the limits it was judged against: editing the standard's limits later
does not rewrite its items, its result or its notice."""

from decimal import Decimal

import pytest
from inspection_fixtures import inspection_body, window_closes
from sqlalchemy import select, text

from app.core import migrate
from app.inspection.models import InspectionItem

WHAT_THE_STANDARD_SAID = "≤ 9.0 %"


async def _tighten_moisture(client, gi) -> None:
    """The agriculture bureau edits the standard: moisture now ≤ 8.0 g/100g by another method."""
    url = f"/api/v1/products/{gi['product'].id}"
    product = (await client.get(url, headers=gi["as_regulator"])).json()
    for item in product["test_items"]:
        if item["code"] == "moisture":
            item |= {"max_value": "8.0", "unit": "g/100g", "method": "GB 5009.3-2016"}
    body = {k: v for k, v in product.items() if k not in ("id", "code")}
    edited = await client.put(url, json=body, headers=gi["as_agriculture"])
    assert edited.status_code == 200, edited.text


def _moisture(items: list[dict]) -> dict:
    return next(i for i in items if i["item"] == "moisture")


async def test_editing_a_limit_does_not_rewrite_an_inspection(client, gi) -> None:
    body = inspection_body(gi["batch"].id, "KEEP-1", moisture="8.5")  # passes ≤ 9.0, not ≤ 8.0
    recorded = await client.post("/api/v1/inspections", json=body, headers=gi["as_regulator"])
    assert recorded.status_code == 201 and recorded.json()["result"] == "pass"
    await _tighten_moisture(client, gi)

    shown = await client.get(
        f"/api/v1/inspections/{recorded.json()['id']}", headers=gi["as_licensee"]
    )
    item = _moisture(shown.json()["items"])
    assert shown.json()["result"] == "pass" and item["passed"]
    assert Decimal(item["max_value"]) == Decimal("9.0") and item["unit"] == "%"
    assert item["limits"] == WHAT_THE_STANDARD_SAID and item["measured"] == "8.5 %"

    notice = (await client.get("/api/v1/public/notices", params={"q": "KEEP-1"})).json()
    assert _moisture(notice["items"][0]["detail"]["items"])["limits"] == WHAT_THE_STANDARD_SAID
    page = await client.get("/public/notices", params={"q": "KEEP-1"})
    assert WHAT_THE_STANDARD_SAID in page.text and "8.0 g/100g" not in page.text

    later = inspection_body(gi["batch"].id, "KEEP-2", moisture="8.5")
    judged = await client.post("/api/v1/inspections", json=later, headers=gi["as_regulator"])
    item = _moisture(judged.json()["items"])
    assert judged.json()["result"] == "fail" and item["limits"] == "≤ 8.0 g/100g"
    assert item["method"] == "GB 5009.3-2016"
    await window_closes(gi)  # published once final
    page = await client.get("/public/notices", params={"q": "KEEP-2"})
    assert "≤ 8.0 g/100g" in page.text and "GB 5009.3-2016" in page.text


async def test_the_migration_backfills_items_recorded_before_it(session, client, gi) -> None:
    body, moisture_id = inspection_body(gi["batch"].id, "OLD-1"), gi["items"][0].id
    assert (
        await client.post("/api/v1/inspections", json=body, headers=gi["as_regulator"])
    ).status_code == 201
    connection = await session.connection()
    await connection.run_sync(migrate.downgrade_connection, "0002")  # rows as they were stored
    columns = (await session.execute(text("SELECT * FROM inspection_item"))).keys()
    assert "max_value" not in columns
    await connection.run_sync(migrate.upgrade_connection, "head")
    session.expire_all()
    stored = await session.scalar(
        select(InspectionItem).where(InspectionItem.test_item_id == moisture_id)
    )
    assert stored.max_value == Decimal("9.0") and stored.min_value is None
    assert stored.unit == "%" and stored.decimals is None


@pytest.mark.dbless
@pytest.mark.parametrize(
    ("low", "high", "unit", "reported", "expected"),
    [
        (None, "9.0000", "%", 1, "≤ 9.0 %"),
        ("2.5000", None, "g/100g", None, "≥ 2.5 g/100g"),
        ("2.0000", "9.0000", "mm", 1, "2.0–9.0 mm"),
        ("0.2500", "1.0000", "mg/kg", 1, "0.25–1.00 mg/kg"),
        (None, None, "%", 1, "—"),
    ],
)
def test_limits_read_as_a_person_reads_them(low, high, unit, reported, expected) -> None:
    from app.inspection import limits

    low, high = (Decimal(v) if v else None for v in (low, high))
    digits = limits.places(low, high, reported=reported)
    assert limits.limits_text(low, high, unit, digits) == expected
