"""Origin (issue 15 point 1): a lot's raw material must come from inside the GI product's
protected area (division codes; polygons where both exist), and a lot may claim no more than
its harvests and purchases supplied × the product's processing factor (mass balance), each
source drawn at most once over; the verify page shows the township and harvest year, never a
grower."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import factories
import pytest

from app.core.principal import Role
from app.core.time import public_today

_keys = itertools.count(1)
LAST_AUTUMN = date(public_today().year - 1, 10, 1)
# Roughly 五原县: the bureau's polygon of the protected area (WGS 84 lon/lat).
WUYUAN_AREA = {
    "type": "Polygon",
    "coordinates": [[[107.6, 40.9], [108.4, 40.9], [108.4, 41.4], [107.6, 41.4], [107.6, 40.9]]],
}


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
async def mill(session, client):
    """A flour mill licensed for a product milled at 0.75 kg of flour per kg of wheat, sold in
    0.5 kg packs, grown in 五原县 (150821); origin records required."""
    product = await factories.product(
        session,
        protected_area_codes=["150821"],
        processing_factor=Decimal("0.75"),
        requires_origin=True,
    )
    company = await factories.enterprise(session, name="演示面粉厂")
    licence = await factories.licence(session, company.id, product.id)
    return {
        "product": product,
        "company": company,
        "licence": licence,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, company.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


async def add_base(client, world, **overrides):
    body = {
        "product_id": world["product"].id,
        "name": "隆兴昌镇永丰村基地",
        "kind": "plot",
        "division_code": "150821",
        "township": "隆兴昌镇",
        "area_mu": "40",
    } | overrides
    return await client.post("/api/v1/origin/bases", json=body, headers=world["licensee"])


async def harvest(client, world, kg: str, **base_overrides) -> dict:
    base = await add_base(client, world, **base_overrides)
    assert base.status_code == 201, base.text
    body = {
        "base_id": base.json()["id"],
        "harvested_on": LAST_AUTUMN.isoformat(),
        "quantity_kg": kg,
    }
    made = await client.post("/api/v1/origin/harvests", json=body, headers=world["licensee"])
    assert made.status_code == 201, made.text
    return made.json()


async def request(client, world, quantity: int, sources: list | None, lot: str | None = None):
    body = {
        "licence_id": world["licence"].id,
        "lot_number": lot or f"MF-{next(_keys)}",
        "quantity": quantity,
        "unit": "袋 0.5 kg",
        "production_date": (public_today() - timedelta(days=3)).isoformat(),
        "origin": "五原县",
        "sources": sources,
    }
    headers = world["licensee"] | {"Idempotency-Key": f"origin-{next(_keys)}"}
    return await client.post("/api/v1/batches", json=body, headers=headers)


# --- inside the protected area ------------------------------------------------------------


async def test_a_base_outside_the_protected_area_is_refused_by_division(client, mill) -> None:
    refused = await add_base(client, mill, division_code="150822", township="巴彦高勒镇")
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "origin_outside_protected_area" and problem["rule"] == "division"
    assert problem["division_code"] == "150822" and problem["protected_area_codes"] == ["150821"]
    assert "磴口县" in problem["detail"]
    # Not a county, or not a division at all: the form's own errors.
    for code in ("150800", "159999"):
        assert (await add_base(client, mill, division_code=code)).status_code == 422
    assert (await add_base(client, mill)).status_code == 201


async def test_a_base_polygon_outside_the_protected_area_polygon_is_refused(client, mill) -> None:
    url = f"/api/v1/origin/protected-areas/{mill['product'].id}"
    # Only a bureau uploads the protected area's polygon, and it must be a valid area.
    assert (
        await client.put(url, json={"geometry": WUYUAN_AREA}, headers=mill["licensee"])
    ).status_code == 403
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    bad = await client.put(url, json={"geometry": bowtie}, headers=mill["regulator"])
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_geometry"
    point = {"type": "Point", "coordinates": [108.0, 41.0]}
    assert (
        await client.put(url, json={"geometry": point}, headers=mill["regulator"])
    ).status_code == 422
    feature = {"type": "Feature", "properties": {}, "geometry": WUYUAN_AREA}
    stored = await client.put(url, json={"geometry": feature}, headers=mill["regulator"])
    assert stored.status_code == 200, stored.text
    assert stored.json()["geometry"]["type"] == "Polygon"

    inside = await add_base(client, mill, polygon=square(108.0, 41.0))
    assert inside.status_code == 201, inside.text
    # In the right county on paper, but the plot drawn 200 km west: refused.
    outside = await add_base(client, mill, polygon=square(106.0, 41.0))
    assert outside.status_code == 422
    assert outside.json()["code"] == "origin_outside_protected_area"
    assert outside.json()["rule"] == "polygon"
    # Straddling the boundary is outside too.
    straddling = await add_base(client, mill, polygon=square(108.395, 41.0))
    assert straddling.status_code == 422


async def test_a_lot_drawing_on_a_base_outside_a_later_polygon_is_refused(client, mill) -> None:
    """The bureau's polygon arrives after the base was registered: the lot is checked too."""
    crop = await harvest(client, mill, "1000", polygon=square(106.0, 41.0))
    url = f"/api/v1/origin/protected-areas/{mill['product'].id}"
    await client.put(url, json={"geometry": WUYUAN_AREA}, headers=mill["regulator"])
    refused = await request(client, mill, 10, [{"harvest_id": crop["id"], "quantity_kg": "100"}])
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "origin_outside_protected_area"


async def test_a_purchase_from_outside_the_protected_area_is_refused(client, mill) -> None:
    body = {
        "product_id": mill["product"].id,
        "seller_kind": "grower",
        "seller_name": "王某",
        "division_code": "150826",
        "township": "陕坝镇",
        "purchased_on": LAST_AUTUMN.isoformat(),
        "quantity_kg": "500",
    }
    refused = await client.post("/api/v1/origin/purchases", json=body, headers=mill["licensee"])
    assert refused.status_code == 422 and refused.json()["code"] == "origin_outside_protected_area"
    inside = body | {"division_code": "150821", "township": "塔尔湖镇"}
    made = await client.post("/api/v1/origin/purchases", json=inside, headers=mill["licensee"])
    assert made.status_code == 201, made.text
    assert made.json()["harvest_year"] == LAST_AUTUMN.year and made.json()["drawn_kg"] == "0"


# --- mass balance -------------------------------------------------------------------------


async def test_mass_balance_from_harvest_to_lot_with_processing_loss(client, mill) -> None:
    crop = await harvest(client, mill, "1000")
    sources = [{"harvest_id": crop["id"], "quantity_kg": "1000"}]
    # 1000 kg of wheat × 0.75 = 750 kg of flour = 1500 packs of 0.5 kg; 1501 is one too many.
    refused = await request(client, mill, 1501, sources)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["code"] == "mass_balance_exceeded"
    assert problem["claimed_kg"] == 750.5 and problem["raw_material_kg"] == 1000
    assert problem["processing_factor"] == 0.75 and problem["supplied_kg"] == 750
    assert problem["max_labels"] == 1500
    assert "1501 labels × 0.500 kg = 750.500 kg" in problem["detail"]
    assert "1000.000 kg of raw material × processing factor 0.75 = 750.000 kg" in problem["detail"]

    made = await request(client, mill, 1500, sources)
    assert made.status_code == 201, made.text
    assert made.json()["origin_public"] == [
        {"county": "五原县", "township": "隆兴昌镇", "harvest_year": LAST_AUTUMN.year}
    ]
    listed = await client.get(
        "/api/v1/origin/harvests", params={"base_id": crop["base_id"]}, headers=mill["licensee"]
    )
    assert listed.json()["items"][0]["drawn_kg"] == "1000.000"


async def test_a_source_cannot_be_drawn_beyond_its_quantity_across_lots(client, mill) -> None:
    crop = await harvest(client, mill, "1000")
    first = await request(client, mill, 900, [{"harvest_id": crop["id"], "quantity_kg": "600"}])
    assert first.status_code == 201, first.text
    second = await request(client, mill, 600, [{"harvest_id": crop["id"], "quantity_kg": "500"}])
    assert second.status_code == 409, second.text
    problem = second.json()
    assert problem["code"] == "source_overdrawn" and problem["source_id"] == crop["id"]
    assert problem["supplied_kg"] == 1000 and problem["already_drawn_kg"] == 600
    assert problem["available_kg"] == 400 and problem["requested_kg"] == 500
    assert "other lots have drawn 600.000 kg, so 400.000 kg remain" in problem["detail"]
    # A rejected lot used none of its wheat: the draw goes back to the harvest.
    rejected = await client.post(
        f"/api/v1/batches/{first.json()['id']}/reject",
        json={"reason": "样品不符"},
        headers=mill["regulator"],
    )
    assert rejected.status_code == 200, rejected.text
    again = await request(client, mill, 600, [{"harvest_id": crop["id"], "quantity_kg": "500"}])
    assert again.status_code == 201, again.text


async def test_sources_must_be_the_enterprises_own(session, client, mill) -> None:
    crop = await harvest(client, mill, "1000")
    other = await factories.enterprise(session, name="别家面粉厂")
    theirs = await factories.licence(session, other.id, mill["product"].id)
    world = mill | {
        "licence": theirs,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, other.id),
    }
    refused = await request(client, world, 10, [{"harvest_id": crop["id"], "quantity_kg": "10"}])
    assert refused.status_code == 422 and refused.json()["code"] == "source_not_usable"
    # Nor may they read it.
    assert (
        await client.get(f"/api/v1/origin/harvests/{crop['id']}", headers=world["licensee"])
    ).status_code == 404
    assert (
        await client.get(f"/api/v1/origin/harvests/{crop['id']}", headers=mill["regulator"])
    ).status_code == 200


async def test_origin_required_only_where_the_product_says_so(session, client, mill) -> None:
    refused = await request(client, mill, 10, None)
    assert refused.status_code == 422 and refused.json()["code"] == "origin_required"
    plain = await factories.product(session)  # requires_origin defaults to false
    licence = await factories.licence(session, mill["company"].id, plain.id)
    made = await request(client, mill | {"licence": licence}, 10, None)
    assert made.status_code == 201, made.text
    assert made.json()["origin_public"] is None


# --- what the public sees -----------------------------------------------------------------


async def test_the_verify_page_shows_township_and_year_never_the_grower(client, mill) -> None:
    crop = await harvest(client, mill, "400", township="新公中镇")
    purchase = {
        "product_id": mill["product"].id,
        "seller_kind": "grower",
        "seller_name": "李秀兰 13904780123",
        "division_code": "150821",
        "township": "塔尔湖镇",
        "purchased_on": (public_today() - timedelta(days=30)).isoformat(),
        "harvest_year": LAST_AUTUMN.year,
        "quantity_kg": "200",
    }
    bought = await client.post("/api/v1/origin/purchases", json=purchase, headers=mill["licensee"])
    assert bought.status_code == 201, bought.text
    assert bought.json()["seller_name"] == purchase["seller_name"]  # the licensee's own record
    sources = [
        {"harvest_id": crop["id"], "quantity_kg": "400"},
        {"purchase_id": bought.json()["id"], "quantity_kg": "200"},
    ]
    made = await request(client, mill, 100, sources)
    assert made.status_code == 201, made.text
    batch_id = made.json()["id"]
    issued = await client.post(
        f"/api/v1/batches/{batch_id}/approve", json={}, headers=mill["regulator"]
    )
    assert issued.status_code == 200, issued.text
    labels = await client.get(f"/api/v1/batches/{batch_id}/labels", headers=mill["licensee"])
    code = labels.json()["items"][0]["code"]

    answer = (await client.get(f"/api/v1/verify/{code}")).json()
    assert answer["verdict"] == "genuine"
    assert answer["origin"] == [
        {"county": "五原县", "township": "塔尔湖镇", "harvest_year": LAST_AUTUMN.year},
        {"county": "五原县", "township": "新公中镇", "harvest_year": LAST_AUTUMN.year},
    ]
    page = (await client.get(f"/v/{code}")).text
    assert "五原县新公中镇" in page and "五原县塔尔湖镇" in page
    assert f"{LAST_AUTUMN.year} 年采收" in page
    english = (await client.get(f"/v/{code}", params={"lang": "en"})).text
    assert f"harvested {LAST_AUTUMN.year}" in english
    for personal in ("李秀兰", "13904780123", "隆兴昌镇永丰村基地"):
        assert personal not in page and personal not in str(answer)


async def test_a_replacement_batch_keeps_its_lots_origin_and_draws_nothing(client, mill) -> None:
    crop = await harvest(client, mill, "100")
    made = await request(client, mill, 150, [{"harvest_id": crop["id"], "quantity_kg": "100"}])
    batch_id = made.json()["id"]
    await client.post(f"/api/v1/batches/{batch_id}/approve", json={}, headers=mill["regulator"])
    labels = await client.get(f"/api/v1/batches/{batch_id}/labels", headers=mill["licensee"])
    codes = [label["code"] for label in labels.json()["items"][:3]]
    void = {"codes": codes, "reason": "受潮"}
    assert (
        await client.post("/api/v1/labels/void", json=void, headers=mill["licensee"])
    ).status_code == 200
    # The harvest is drawn to the last kg; the replacements need none of it.
    replaced = await client.post(
        f"/api/v1/batches/{batch_id}/replacements",
        json={"all_voided": True},
        headers=mill["licensee"] | {"Idempotency-Key": f"origin-{next(_keys)}"},
    )
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["origin_public"] == made.json()["origin_public"]


async def test_a_purchase_names_a_seller_that_exists(client, mill) -> None:
    body = {
        "product_id": mill["product"].id,
        "seller_kind": "grower",
        "seller_name": "王某",
        "seller_base_id": 987654,
        "division_code": "150821",
        "township": "塔尔湖镇",
        "purchased_on": LAST_AUTUMN.isoformat(),
        "quantity_kg": "500",
    }
    missing = await client.post("/api/v1/origin/purchases", json=body, headers=mill["licensee"])
    assert missing.status_code == 404
    body |= {"seller_kind": "enterprise", "seller_base_id": None, "seller_enterprise_id": 987654}
    missing = await client.post("/api/v1/origin/purchases", json=body, headers=mill["licensee"])
    assert missing.status_code == 404
    body["seller_enterprise_id"] = None
    unnamed = await client.post("/api/v1/origin/purchases", json=body, headers=mill["licensee"])
    assert unnamed.status_code == 422


async def test_a_harvest_beyond_what_the_base_could_grow_is_refused(client, mill) -> None:
    """40 mu × (250 kg of flour ÷ 0.75) = 13 333.333 kg of wheat, × 1.5 for a good year."""
    crop = await harvest(client, mill, "15000")
    body = {"base_id": crop["base_id"], "harvested_on": LAST_AUTUMN.isoformat()}
    refused = await client.post(
        "/api/v1/origin/harvests", json=body | {"quantity_kg": "5000.5"}, headers=mill["licensee"]
    )
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["code"] == "harvest_beyond_yield" and problem["most_kg"] == 20000
    assert problem["recorded_kg"] == 15000 and problem["requested_kg"] == 5000.5
    assert "at most 20000.000 kg" in problem["detail"]
    exact = body | {"quantity_kg": "5000"}
    made = await client.post("/api/v1/origin/harvests", json=exact, headers=mill["licensee"])
    assert made.status_code == 201, made.text
    next_year = body | {"harvested_on": f"{LAST_AUTUMN.year + 1}-01-02", "quantity_kg": "5000"}
    if date(LAST_AUTUMN.year + 1, 1, 2) <= public_today():
        made = await client.post(
            "/api/v1/origin/harvests", json=next_year, headers=mill["licensee"]
        )
        assert made.status_code == 201, made.text  # a new year, a new crop


async def test_a_bureau_reads_the_origin_records_of_its_jurisdiction_only(
    session, client, mill
) -> None:
    """A mill in 五原县 (150821): its county's bureau reads its bases, harvests and purchases;
    another county's (海勃湾区, 150302) gets 404 on each and empty lists (issue 14)."""
    made = await harvest(client, mill, "2000")
    body = {
        "product_id": mill["product"].id,
        "seller_kind": "grower",
        "seller_name": "王某",
        "division_code": "150821",
        "township": "塔尔湖镇",
        "purchased_on": LAST_AUTUMN.isoformat(),
        "quantity_kg": "500",
    }
    bought = await client.post("/api/v1/origin/purchases", json=body, headers=mill["licensee"])
    assert bought.status_code == 201, bought.text
    one = {
        "bases": made["base_id"],
        "harvests": made["id"],
        "purchases": bought.json()["id"],
    }
    for division, sees in (("150821", True), ("150302", False)):
        bureau = await factories.organisation(session, division_code=division)
        headers = await factories.auth_headers(
            session, client, Role.REGULATOR, organisation_id=bureau.id
        )
        for kind, record_id in one.items():
            url = f"/api/v1/origin/{kind}"
            single = await client.get(f"{url}/{record_id}", headers=headers)
            listed = (await client.get(url, headers=headers)).json()["items"]
            where = f"{division} {kind}"
            assert single.status_code == (200 if sees else 404), where + single.text
            assert (record_id in [r["id"] for r in listed]) is sees, where
