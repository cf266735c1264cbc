"""The GI product register on the console: search by a Chinese substring, register and edit
a product with its standard's test items (rows added and removed by the form's buttons),
refusals by the field or row at fault with everything typed kept, the API's role table,
forged CSRF refused."""

from __future__ import annotations

from decimal import Decimal

import factories
import pytest
from console_helpers import csrf_of, log_in
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.principal import OrgKind, Role
from app.registry.models import GIProduct
from app.registry.models import TestItem as StandardItem

FIELDS = {
    "code": "HTMG",
    "route": "certification_mark",
    "name_zh": "河套蜜瓜",
    "name_en": "Hetao Melon",
    "trademark": "河套蜜瓜",
    "trademark_reg_number": "第12345678号",
    "protected_area": "巴彦淖尔市临河区",
    "protected_area_codes": "150802",
    "quota_unit": "mu",
    "standard_yield_kg_per_mu": "3000",
    "default_pack_size_kg": "2.5",
    "clone_distinct_sources": "20",
    "clone_window_hours": "72",
    "clone_max_speed_kmh": "900",
}


def _items(*rows: dict[str, str]) -> dict[str, str]:
    data = {"rows": str(len(rows))}
    for i, row in enumerate(rows):
        data |= {f"test_items-{i}-{name}": value for name, value in row.items()}
    return data


SUGAR = {
    "code": "sugar",
    "name_zh": "可溶性固形物",
    "name_en": "Soluble solids",
    "unit": "%",
    "min_value": "12",
}
WEIGHT = {
    "code": "weight",
    "name_zh": "单果重",
    "name_en": "Fruit weight",
    "unit": "kg",
    "min_value": "1",
    "max_value": "3.5",
}


async def _token(client, url: str = "/console/products/new") -> str:  # type: ignore[no-untyped-def]
    return csrf_of((await client.get(url)).text)


async def test_the_list_finds_products_by_a_chinese_substring(
    regulator_browser, world, session
) -> None:
    await factories.product(session, name_zh="河套蜜瓜", name_en="Hetao Melon")
    page = await regulator_browser.get("/console/products", params={"q": "向日"})
    assert page.status_code == 200
    assert "五原向日葵" in page.text and "河套蜜瓜" not in page.text
    assert 'href="/console/products" aria-current="page"' in page.text


async def test_register_a_product_with_its_test_items(regulator_browser, world, session) -> None:
    data = {"csrf_token": await _token(regulator_browser), **FIELDS, **_items(SUGAR, WEIGHT)}
    done = await regulator_browser.post("/console/products", data=data)
    assert done.status_code == 303, done.text
    product = await session.scalar(select(GIProduct).where(GIProduct.code == "HTMG"))
    assert product is not None and product.standard_yield_kg_per_mu == Decimal("3000")
    assert done.headers["location"] == f"/console/products/{product.id}?saved=1"
    items = {
        i.code: i
        for i in await session.scalars(
            select(StandardItem).where(StandardItem.product_id == product.id)
        )
    }
    assert items["weight"].max_value == Decimal("3.5") and items["sugar"].max_value is None
    actions = await session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "gi_product", AuditEvent.object_id == str(product.id)
        )
    )
    assert "product.create" in list(actions)
    shown = await regulator_browser.get(done.headers["location"])
    assert "已保存" in shown.text and 'value="3.5"' in shown.text


async def test_rows_are_added_and_removed_without_saving(regulator_browser, world, session) -> None:
    token = await _token(regulator_browser)
    added = await regulator_browser.post(
        "/console/products", data={"csrf_token": token, **FIELDS, **_items(SUGAR), "add_row": "1"}
    )
    assert added.status_code == 200 and 'name="test_items-1-code"' in added.text
    assert 'value="可溶性固形物"' in added.text  # the typed row is kept
    removed = await regulator_browser.post(
        "/console/products",
        data={"csrf_token": token, **FIELDS, **_items(SUGAR, WEIGHT), "remove_row": "0"},
    )
    assert removed.status_code == 200
    assert 'value="单果重"' in removed.text and 'value="可溶性固形物"' not in removed.text
    assert await session.scalar(select(GIProduct).where(GIProduct.code == "HTMG")) is None


async def test_refusals_show_by_the_field_and_the_row(regulator_browser, world, session) -> None:
    bad_row = WEIGHT | {"min_value": "5", "max_value": "3.5"}
    data = {
        "csrf_token": await _token(regulator_browser, "/console/products/new?lang=en"),
        **FIELDS,
        "code": "lower case",
        **_items(SUGAR, bad_row),
    }
    refused = await regulator_browser.post("/console/products?lang=en", data=data)
    assert refused.status_code == 422
    assert 'id="code-error"' in refused.text and 'id="test_items-1-error"' in refused.text
    assert "the lower not above the upper" in refused.text  # the page's language
    assert 'value="lower case"' in refused.text and 'value="可溶性固形物"' in refused.text
    # Past the form's checks, the service's route rule: a certification mark names its trademark.
    data = {"csrf_token": data["csrf_token"], **FIELDS, "trademark": "", **_items(SUGAR)}
    refused = await regulator_browser.post("/console/products", data=data)
    assert refused.status_code == 422 and 'id="trademark-error"' in refused.text
    assert 'value="河套蜜瓜"' in refused.text
    taken = {**data, "trademark": "河套蜜瓜", "code": "WYXRK"}
    await factories.product(session, code="WYXRK")
    refused = await regulator_browser.post("/console/products", data=taken)
    assert refused.status_code == 409 and "This product code is taken" in refused.text


@pytest.fixture
async def agriculture_browser(browser, session):  # type: ignore[no-untyped-def]
    """A member of an agriculture bureau: the standard's test items are its to edit."""
    bureau = await factories.organisation(session, OrgKind.AGRICULTURE)
    account = await factories.user(session, Role.REGULATOR, organisation_id=bureau.id)
    assert (await log_in(browser, account.username)).status_code == 303
    return browser


async def test_edit_a_test_items_limit(agriculture_browser, world, session) -> None:
    regulator_browser = agriculture_browser
    product = await factories.product(session, code="EDIT1", name_zh="待改产品")
    moisture = await factories.test_item(
        session, product.id, code="moisture", max_value=Decimal("9.0")
    )
    page = await regulator_browser.get(f"/console/products/{product.id}")
    assert page.status_code == 200 and 'value="moisture"' in page.text
    assert 'name="test_items-0-code" value="moisture" readonly' in page.text
    fields = {k: v for k, v in FIELDS.items() if k != "code"} | {"name_zh": "待改产品"}
    row = {
        "code": "moisture",
        "name_zh": "水分",
        "name_en": "Moisture",
        "unit": "%",
        "max_value": "8.5",
    }
    data = {"csrf_token": csrf_of(page.text), **fields, **_items(row)}
    done = await regulator_browser.post(f"/console/products/{product.id}", data=data)
    assert done.status_code == 303, done.text
    await session.refresh(moisture)
    assert moisture.max_value == Decimal("8.5")
    assert 'value="8.5"' in (await regulator_browser.get(done.headers["location"])).text


async def test_remove_a_saved_test_item(agriculture_browser, world, session) -> None:
    regulator_browser = agriculture_browser
    product = await factories.product(session, code="DROP1", name_zh="删项产品")
    moisture = await factories.test_item(session, product.id, code="moisture")
    size = await factories.test_item(session, product.id, code="size", min_value=Decimal("2"))
    page = await regulator_browser.get(f"/console/products/{product.id}")
    assert 'name="remove_row" value="0"' in page.text  # a saved item can be removed
    fields = {k: v for k, v in FIELDS.items() if k != "code"} | {"name_zh": "删项产品"}
    rows = [
        {name: (getattr(item, name) or "") for name in ("code", "name_zh", "name_en", "unit")}
        | {"min_value": str(item.min_value or ""), "max_value": str(item.max_value or "")}
        for item in (moisture, size)
    ]
    data = {"csrf_token": csrf_of(page.text), **fields, **_items(*rows)}
    removed = await regulator_browser.post(
        f"/console/products/{product.id}", data={**data, "remove_row": "0"}
    )
    assert removed.status_code == 200  # removed from the form only, nothing saved yet
    assert 'value="moisture"' not in removed.text and 'value="size"' in removed.text
    await session.refresh(moisture)
    assert moisture.retired_at is None
    data = {"csrf_token": data["csrf_token"], **fields, **_items(rows[1])}
    done = await regulator_browser.post(f"/console/products/{product.id}", data=data)
    assert done.status_code == 303, done.text
    await session.refresh(moisture)
    await session.refresh(size)
    assert moisture.retired_at is not None and size.retired_at is None
    shown = (await regulator_browser.get(done.headers["location"])).text
    assert 'value="moisture"' not in shown and 'value="size"' in shown
    event = await session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "product.update", AuditEvent.object_id == str(product.id))
        .order_by(AuditEvent.seq.desc())
    )
    assert event is not None and event.after["test_items_retired"] == ["moisture"]


async def test_a_licensee_gets_the_apis_refusals(licensee_browser, world, session) -> None:
    product = await factories.product(session)
    assert (await licensee_browser.get("/console/products/new")).status_code == 403
    assert (await licensee_browser.get(f"/console/products/{product.id}")).status_code == 403
    token = csrf_of((await licensee_browser.get("/console")).text)
    refused = await licensee_browser.post(
        f"/console/products/{product.id}", data={"csrf_token": token, **FIELDS}
    )
    assert refused.status_code == 403
    assert "/console/products" not in (await licensee_browser.get("/console")).text


async def test_a_forged_csrf_token_is_refused(regulator_browser, world, session) -> None:
    product = await factories.product(session, code="KEEP1", name_zh="原名")
    for url in ("/console/products", f"/console/products/{product.id}"):
        data = {**FIELDS, "code": "FORGED", "name_zh": "伪造", **_items(SUGAR)}
        assert (
            await regulator_browser.post(url, data={**data, "csrf_token": "x"})
        ).status_code == 403
        assert (await regulator_browser.post(url, data=data)).status_code == 403
    await session.refresh(product)
    assert product.name_zh == "原名"
    assert await session.scalar(select(GIProduct).where(GIProduct.code == "FORGED")) is None


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_form_is_labelled(regulator_browser, world, lang) -> None:
    page = await regulator_browser.get(f"/console/products/new?lang={lang}")
    for name in ("code", "name_zh", "test_items-0-min_value", "test_items-0-unit"):
        assert f'<label for="{name}"' in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/console/products",
        "/console/products/new",
        "/console/enterprises",
        "/console/enterprises/new",
        "/console/reports",
    ],
)
async def test_the_register_pages_switch_to_english(regulator_browser, world, path) -> None:
    page = await regulator_browser.get(path, params={"lang": "en"})
    assert page.status_code == 200 and page.headers["content-language"] == "en"
    assert '<html lang="en">' in page.text and "中文" in page.text  # the switch back
