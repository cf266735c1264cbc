"""A product's standard is replaced as a set: an item left out of a PUT is retired, so new
inspections no longer measure it, while past inspections and their public notices keep
showing it with the limits it was judged against. Naming it again brings it back."""

from decimal import Decimal

from inspection_fixtures import inspection_body
from sqlalchemy import select

from app.audit.models import AuditEvent


async def _put_items(client, gi, keep: set[str]) -> dict:
    url = f"/api/v1/products/{gi['product'].id}"
    product = (await client.get(url, headers=gi["as_regulator"])).json()
    body = {k: v for k, v in product.items() if k not in ("id", "code")}
    body["test_items"] = [
        {k: v for k, v in item.items() if k != "id"}
        for item in product["test_items"]
        if item["code"] in keep
    ]
    edited = await client.put(url, json=body, headers=gi["as_agriculture"])
    assert edited.status_code == 200, edited.text
    return edited.json()


def _moisture(items: list[dict]) -> dict:
    return next(i for i in items if i["item"] == "moisture")


async def test_an_item_left_out_is_retired_and_history_keeps_it(session, client, gi) -> None:
    before = inspection_body(gi["batch"].id, "DROP-1")
    recorded = await client.post("/api/v1/inspections", json=before, headers=gi["as_regulator"])
    assert recorded.status_code == 201, recorded.text

    edited = await _put_items(client, gi, keep={"purity"})
    assert [item["code"] for item in edited["test_items"]] == ["purity"]
    event = await session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "product.update")
        .order_by(AuditEvent.seq.desc())
    )
    assert event is not None and event.after["test_items_retired"] == ["moisture"]

    # A new inspection measures purity alone; moisture is no longer an item of the standard.
    with_moisture = inspection_body(gi["batch"].id, "DROP-2")
    refused = await client.post(
        "/api/v1/inspections", json=with_moisture, headers=gi["as_regulator"]
    )
    assert refused.status_code == 422 and "moisture" in refused.text
    without = with_moisture | {"items": [{"item": "purity", "value": "97.0"}]}
    judged = await client.post("/api/v1/inspections", json=without, headers=gi["as_regulator"])
    assert judged.status_code == 201, judged.text
    assert [i["item"] for i in judged.json()["items"]] == ["purity"]

    # The inspection recorded before still shows moisture with the limits then in force.
    shown = await client.get(
        f"/api/v1/inspections/{recorded.json()['id']}", headers=gi["as_licensee"]
    )
    assert shown.status_code == 200, shown.text
    moisture = _moisture(shown.json()["items"])
    assert moisture["name_zh"] == "水分" and Decimal(moisture["max_value"]) == Decimal("9.0")
    assert moisture["limits"] == "≤ 9.0 %" and moisture["measured"] == "8.5 %"
    notice = (await client.get("/api/v1/public/notices", params={"q": "DROP-1"})).json()
    assert _moisture(notice["items"][0]["detail"]["items"])["limits"] == "≤ 9.0 %"
    page = await client.get("/public/notices", params={"q": "DROP-1"})
    assert "水分" in page.text and "≤ 9.0 %" in page.text


async def test_naming_a_retired_item_again_brings_it_back(client, gi) -> None:
    moisture_id = gi["items"][0].id
    await _put_items(client, gi, keep={"purity"})
    url = f"/api/v1/products/{gi['product'].id}"
    product = (await client.get(url, headers=gi["as_regulator"])).json()
    body = {k: v for k, v in product.items() if k not in ("id", "code")}
    body["test_items"] = [
        {k: v for k, v in item.items() if k != "id"} for item in product["test_items"]
    ] + [
        {
            "code": "moisture",
            "name_zh": "水分",
            "name_en": "Moisture",
            "unit": "%",
            "max_value": "8.0",
        }
    ]
    restored = await client.put(url, json=body, headers=gi["as_agriculture"])
    assert restored.status_code == 200, restored.text
    items = {i["code"]: i for i in restored.json()["test_items"]}
    assert items["moisture"]["id"] == moisture_id  # the same row, back in force
    assert Decimal(items["moisture"]["max_value"]) == Decimal("8.0")
    body = inspection_body(gi["batch"].id, "BACK-1")
    judged = await client.post("/api/v1/inspections", json=body, headers=gi["as_regulator"])
    assert judged.status_code == 201 and _moisture(judged.json()["items"])["limits"] == "≤ 8.0 %"
