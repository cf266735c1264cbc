"""``/console/licences/new``: a licensee applies for a licence by choosing the product by
name; the same service as ``POST /api/v1/licences`` decides (duplicates refused by the field),
a refused form keeps what was typed, a forged CSRF token changes nothing."""

from __future__ import annotations

import factories
from console_helpers import csrf_of, log_in
from sqlalchemy import func, select

from app.licence.models import Licence, LicenceStatus


async def _licences(session) -> int:
    return int(await session.scalar(select(func.count()).select_from(Licence)) or 0)


async def test_a_licensee_applies_and_lands_on_the_licence_page(
    licensee_browser, world, session
) -> None:
    product = await factories.product(session, name_zh="河套番茄", name_en="Hetao Tomato")
    form = await licensee_browser.get("/console/licences/new")
    assert form.status_code == 200
    assert '<label for="product_id">' in form.text and "河套番茄" in form.text
    assert 'href="/console/licences/new" aria-current="page"' in form.text  # in the nav
    assert 'id="enterprise_id"' not in form.text  # a licensee applies for itself
    data = {
        "csrf_token": csrf_of(form.text),
        "product_id": str(product.id),
        "production_area_mu": "120.5",
        "production_location": "五原县新公中镇",
    }
    before = await _licences(session)
    done = await licensee_browser.post("/console/licences/new", data=data)
    assert done.status_code == 303
    made = await session.scalar(select(Licence).where(Licence.product_id == product.id))
    assert made is not None and made.status is LicenceStatus.PENDING
    assert made.enterprise_id == world.licensee.enterprise_id
    assert done.headers["location"] == f"/console/licences/{made.id}"
    page = await licensee_browser.get(done.headers["location"])
    assert page.status_code == 200 and "河套番茄" in page.text and "待审核" in page.text
    assert "五原县新公中镇" in page.text
    again = await licensee_browser.post("/console/licences/new", data=data)
    assert again.status_code == 409 and 'id="product_id-error"' in again.text
    assert "已有该产品的许可证" in again.text and await _licences(session) == before + 1


async def test_a_refused_application_keeps_what_was_typed(licensee_browser, session) -> None:
    product = await factories.product(session)
    form = await licensee_browser.get("/console/licences/new?lang=en")
    data = {
        "csrf_token": csrf_of(form.text),
        "product_id": str(product.id),
        "production_area_mu": "-3",
        "production_location": "x",
    }
    refused = await licensee_browser.post("/console/licences/new", data=data)
    assert refused.status_code == 422
    assert 'value="-3"' in refused.text and ">x</textarea>" in refused.text
    assert 'id="production_area_mu-error"' in refused.text
    assert 'id="production_location-error"' in refused.text and "at least 2" in refused.text
    assert f'value="{product.id}" selected' in refused.text


async def test_a_forged_csrf_token_makes_no_application(licensee_browser, session) -> None:
    product = await factories.product(session)
    before = await _licences(session)
    data = {"product_id": str(product.id), "production_area_mu": "10"}
    data["production_location"] = "五原县"
    forged = await licensee_browser.post("/console/licences/new", data={**data, "csrf_token": "x"})
    assert forged.status_code == 403
    assert (await licensee_browser.post("/console/licences/new", data=data)).status_code == 403
    assert await _licences(session) == before


async def test_a_regulator_applies_on_behalf_of_a_named_enterprise(browser, world, session) -> None:
    product = await factories.product(session)
    await log_in(browser, world.regulator.username)
    form = await browser.get("/console/licences/new")
    assert 'id="enterprise_id"' in form.text and "别家公司" in form.text
    data = {
        "csrf_token": csrf_of(form.text),
        "product_id": str(product.id),
        "production_area_mu": "10",
        "production_location": "五原县",
    }
    unnamed = await browser.post("/console/licences/new", data=data)
    assert unnamed.status_code == 422 and 'id="enterprise_id-error"' in unnamed.text
    data["enterprise_id"] = str(world.other_licence.enterprise_id)
    assert (await browser.post("/console/licences/new", data=data)).status_code == 303
