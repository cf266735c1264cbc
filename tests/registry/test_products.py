import io

import factories
import pytest
from PIL import Image

from app.core.principal import Role
from app.registry.service import legal_line_of

BASE = {
    "code": "WYXRK",
    "name_zh": "五原向日葵",
    "name_en": "Wuyuan Sunflower Seeds",
    "route": "certification_mark",
    "trademark": "五原向日葵",
    "trademark_reg_number": "第10358831号",
    "protected_area": "五原县",
    "standard_yield_kg_per_mu": "250",
    "default_pack_size_kg": "0.5",
    "test_items": [
        {
            "code": "moisture",
            "name_zh": "水分",
            "name_en": "Moisture",
            "unit": "%",
            "max_value": "9.0",
        }
    ],
}


@pytest.fixture
async def regulator(session, client):
    """A member of the agriculture bureau: it registers products and keeps their standards'
    test items (issue 14)."""
    bureau = await factories.organisation(session, factories.OrgKind.AGRICULTURE)
    return await factories.auth_headers(session, client, Role.REGULATOR, organisation_id=bureau.id)


async def test_create_read_update_product_with_test_items(client, regulator) -> None:
    created = await client.post("/api/v1/products", json=BASE, headers=regulator)
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["test_items"][0]["code"] == "moisture" and product["has_artwork"] is False
    item_id = product["test_items"][0]["id"]

    update = {k: v for k, v in BASE.items() if k != "code"}
    update["test_items"] = BASE["test_items"] + [
        {
            "code": "impurity",
            "name_zh": "杂质",
            "name_en": "Impurity",
            "unit": "%",
            "max_value": "1.0",
        }
    ]
    updated = await client.put(f"/api/v1/products/{product['id']}", json=update, headers=regulator)
    assert updated.status_code == 200, updated.text
    items = {i["code"]: i["id"] for i in updated.json()["test_items"]}
    assert items["moisture"] == item_id and "impurity" in items


@pytest.mark.parametrize(
    ("route", "drop", "missing"),
    [
        ("certification_mark", "trademark_reg_number", "trademark_reg_number"),
        ("collective_mark", "trademark", "trademark"),
        ("protected_product", None, "standard_number"),
    ],
)
async def test_route_specific_fields_are_required(client, regulator, route, drop, missing) -> None:
    body = dict(BASE, route=route, code=f"X{len(route)}")
    if drop:
        body.pop(drop)
    if route == "protected_product":
        body.pop("trademark"), body.pop("trademark_reg_number")
    response = await client.post("/api/v1/products", json=body, headers=regulator)
    assert response.status_code == 422 and response.json()["code"] == "route_fields_missing"
    assert missing in response.json()["missing"]


async def test_limits_must_make_sense(client, regulator) -> None:
    body = dict(
        BASE,
        test_items=[
            {
                "code": "m",
                "name_zh": "m",
                "name_en": "m",
                "unit": "%",
                "min_value": "5",
                "max_value": "1",
            }
        ],
    )
    response = await client.post("/api/v1/products", json=body, headers=regulator)
    assert response.status_code == 422 and "min_value" in response.text


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "ok"),
    [
        (_png(), True),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', True),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', False),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', False),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><svg>&a;</svg>', False),
        (b"\x89PNG\r\n\x1a\ngarbage", False),
        (b"GIF89a....", False),
        (b"x" * (512 * 1024 + 1), False),
    ],
)
async def test_artwork_upload_is_validated(session, client, regulator, content, ok) -> None:
    product = await factories.product(session)
    response = await client.put(
        f"/api/v1/products/{product.id}/artwork",
        files={"file": ("mark", content)},
        headers=regulator,
    )
    if not ok:
        assert response.status_code == 422 and response.json()["code"] == "artwork_rejected"
        return
    assert response.status_code == 204
    served = await client.get(f"/api/v1/products/{product.id}/artwork", headers=regulator)
    assert served.content == content and served.headers["content-type"].startswith("image/")


async def test_licensee_reads_but_cannot_create_products(session, client) -> None:
    licensee = await factories.auth_headers(session, client, Role.LICENSEE)
    assert (await client.get("/api/v1/products", headers=licensee)).status_code == 200
    assert (await client.post("/api/v1/products", json=BASE, headers=licensee)).status_code == 403


async def test_product_list_is_paginated_and_filtered(session, client, regulator) -> None:
    await factories.product(session, code="LISTA", name_en="Hetao flour")
    await factories.product(session, code="LISTB", route="protected_product", trademark=None)
    url = "/api/v1/products"
    page = (await client.get(url, params={"q": "hetao", "limit": 1}, headers=regulator)).json()
    assert [p["code"] for p in page["items"]] == ["LISTA"] and page["total"] == 1
    routed = (
        await client.get(url, params={"route": "protected_product"}, headers=regulator)
    ).json()
    assert "LISTB" in [p["code"] for p in routed["items"]]
    assert "LISTA" not in [p["code"] for p in routed["items"]]
    bad = await client.get(url, params={"route": "nonsense"}, headers=regulator)
    assert bad.status_code == 422 and "route" in bad.text


async def test_quota_unit_and_protected_area_codes(client, regulator) -> None:
    mutton = dict(
        BASE,
        code="WLTYR",
        name_zh="乌拉特羊肉",
        quota_unit="head",
        protected_area_codes=["150823", "150824", "150825"],
    )
    created = await client.post("/api/v1/products", json=mutton, headers=regulator)
    assert created.status_code == 201, created.text
    assert created.json()["quota_unit"] == "head" and created.json()["is_demo"] is False
    assert created.json()["protected_area_codes"] == ["150823", "150824", "150825"]

    for wrong in ("150899", "152822"):  # never a division; abolished in 2003
        body = dict(mutton, code="X1", protected_area_codes=[wrong])
        refused = await client.post("/api/v1/products", json=body, headers=regulator)
        assert refused.status_code == 422 and wrong in refused.text


async def test_programme_document_stands_in_for_an_unknown_number(client, regulator) -> None:
    title = "五原向日葵国家地理标志产品保护示范区建设工作方案（2023—2024年）"
    body = {k: v for k, v in BASE.items() if k != "trademark_reg_number"}
    body["programme_document"] = title
    created = await client.post("/api/v1/products", json=body, headers=regulator)
    assert created.status_code == 201, created.text
    assert created.json()["trademark_reg_number"] is None

    line = legal_line_of(created.json())
    assert line == f"五原向日葵（依据《{title}》）"
