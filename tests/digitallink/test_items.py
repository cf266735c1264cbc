"""Trade items and their GTINs: a licensee keeps its own, staff any enterprise's; GTINs are
checked (GS1 check digit) and kept as GTIN-14; a batch names an item of its licence only."""

import factories
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.principal import Role


@pytest.fixture
async def shop(session, client):
    product = await factories.product(session, code="WYXRK", name_zh="五原向日葵")
    company = await factories.enterprise(session, name="丰瑞农业")
    licence = await factories.licence(session, company.id, product.id)
    return {
        "product": product,
        "company": company,
        "licence": licence,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, company.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


async def test_a_licensee_registers_its_own_item(session, client, shop) -> None:
    body = {"product_id": shop["product"].id, "name": "500 g 袋装", "gtin": "6901234567892"}
    created = await client.post("/api/v1/items", json=body, headers=shop["licensee"])
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["enterprise_id"] == shop["company"].id and item["gtin"] == "06901234567892"
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "item.create").order_by(AuditEvent.seq.desc())
    )
    assert event is not None and event.after["gtin"] == "06901234567892"

    listed = await client.get("/api/v1/items", headers=shop["licensee"])
    assert [i["id"] for i in listed.json()["items"]] == [item["id"]]
    again = await client.post("/api/v1/items", json=body, headers=shop["licensee"])
    assert again.status_code == 409 and again.json()["code"] == "gtin_taken"


async def test_gtins_are_checked(client, shop) -> None:
    for wrong in ("6901234567893", "690123456789", "ABCDEFGH"):
        body = {"product_id": shop["product"].id, "name": "袋装", "gtin": wrong}
        refused = await client.post("/api/v1/items", json=body, headers=shop["licensee"])
        assert refused.status_code == 422, wrong
    for right in ("96385074", "036000291452", "6901234567892", "10614141000415"):
        body = {"product_id": shop["product"].id, "name": f"袋装 {right}", "gtin": right}
        assert (
            await client.post("/api/v1/items", json=body, headers=shop["licensee"])
        ).status_code == 201, right
    without = {"product_id": shop["product"].id, "name": "散装"}
    created = await client.post("/api/v1/items", json=without, headers=shop["licensee"])
    assert created.status_code == 201 and created.json()["gtin"] is None


async def test_items_are_scoped_to_the_enterprise(session, client, shop) -> None:
    other = await factories.enterprise(session, name="别家农业")
    theirs = await factories.item(session, other.id, shop["product"].id, gtin="06901234567892")
    assert (
        await client.get(f"/api/v1/items/{theirs.id}", headers=shop["licensee"])
    ).status_code == 404
    change = {"name": "改名", "gtin": None}
    assert (
        await client.put(f"/api/v1/items/{theirs.id}", json=change, headers=shop["licensee"])
    ).status_code == 404
    # A licensee naming another enterprise still creates its own item.
    body = {"enterprise_id": other.id, "product_id": shop["product"].id, "name": "袋装"}
    created = await client.post("/api/v1/items", json=body, headers=shop["licensee"])
    assert created.json()["enterprise_id"] == shop["company"].id
    # Staff see and change every enterprise's, and must say whose a new one is.
    staff = shop["regulator"]
    changed = await client.put(f"/api/v1/items/{theirs.id}", json=change, headers=staff)
    assert changed.status_code == 200 and changed.json()["gtin"] is None
    unnamed = {"product_id": shop["product"].id, "name": "袋装"}
    assert (await client.post("/api/v1/items", json=unnamed, headers=staff)).status_code == 422
    named = await client.post("/api/v1/items", json=body, headers=staff)
    assert named.status_code == 201 and named.json()["enterprise_id"] == other.id
    inspector = await factories.auth_headers(session, client, Role.INSPECTOR)
    assert (await client.get("/api/v1/items", headers=inspector)).status_code == 403


async def test_a_batch_names_an_item_of_its_licence(session, client, shop) -> None:
    own = await factories.item(session, shop["company"].id, shop["product"].id)
    other_product = await factories.product(session)
    wrong = await factories.item(session, shop["company"].id, other_product.id)
    request = {
        "licence_id": shop["licence"].id,
        "lot_number": "WY-2026-010",
        "quantity": 5,
        "unit": "袋",
        "production_date": "2026-09-01",
        "origin": "五原县",
    }
    refused = await client.post(
        "/api/v1/batches",
        json=request | {"item_id": wrong.id},
        headers=shop["licensee"] | {"Idempotency-Key": "item-wrong"},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "item_not_for_this_licence"
    made = await client.post(
        "/api/v1/batches",
        json=request | {"item_id": own.id},
        headers=shop["licensee"] | {"Idempotency-Key": "item-own"},
    )
    assert made.status_code == 201 and made.json()["item_id"] == own.id
