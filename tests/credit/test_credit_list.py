"""The credit list (issue 14, point 5): a listed enterprise is refused licence applications
and batch requests while the listing is in force, and fine again after its end date or once a
regulator ends it early; the public register and the public credit list show the listing."""

from __future__ import annotations

from datetime import timedelta

import factories
import pytest

from app.core import time as public_time
from app.core.principal import Role
from app.core.time import public_today, utcnow

TODAY = public_today()
GROUNDS = {
    "reason": "销售假冒地理标志产品，情节严重",
    "legal_basis": "《市场监督管理严重违法失信名单管理办法》第二条",
    "case_number": "五市监罚〔2026〕88号",
}


@pytest.fixture
async def shop(session, client):
    product = await factories.product(session, code="WYCRD", name_zh="五原向日葵")
    other_product = await factories.product(session, code="WYCR2", name_zh="五原小麦")
    company = await factories.enterprise(session, name="失信农业公司")
    licence = await factories.licence(session, company.id, product.id)
    return {
        "company": company,
        "licence": licence,
        "other_product": other_product,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, company.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


def listing_body(enterprise_id: int, days_left: int = 0, **overrides: object) -> dict:
    return (
        GROUNDS
        | {
            "enterprise_id": enterprise_id,
            "starts_on": (TODAY - timedelta(days=10)).isoformat(),
            "ends_on": (TODAY + timedelta(days=days_left)).isoformat(),
        }
        | overrides
    )


async def list_it(client, shop, **overrides: object) -> dict:
    body = listing_body(shop["company"].id, **overrides)
    response = await client.post("/api/v1/credit-listings", json=body, headers=shop["regulator"])
    assert response.status_code == 201, response.text
    return response.json()


async def apply(client, shop):
    body = {
        "product_id": shop["other_product"].id,
        "production_area_mu": "50",
        "production_location": "隆兴昌镇",
    }
    return await client.post("/api/v1/licences", json=body, headers=shop["licensee"])


async def request_batch(client, shop, lot: str):
    body = {
        "licence_id": shop["licence"].id,
        "lot_number": lot,
        "quantity": 5,
        "unit": "袋 0.5 kg",
        "production_date": (TODAY - timedelta(days=1)).isoformat(),
        "origin": "五原县隆兴昌镇",
    }
    headers = shop["licensee"] | {"Idempotency-Key": f"credit-{lot}"}
    return await client.post("/api/v1/batches", json=body, headers=headers)


def assert_credit_listed(response, ends_on: str) -> None:
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "credit_listed"
    assert problem["listed_until"] == ends_on
    assert problem["listing_reason"] == GROUNDS["reason"]
    assert ends_on in problem["detail"] and GROUNDS["reason"] in problem["detail"]


async def test_listed_enterprise_is_refused_until_the_day_after_its_end_date(
    client, shop, monkeypatch
) -> None:
    listing = await list_it(client, shop)  # in force up to and including today
    assert listing["in_force"] is True and listing["listed_by_id"] is not None
    assert_credit_listed(await apply(client, shop), TODAY.isoformat())
    assert_credit_listed(await request_batch(client, shop, "CR-1"), TODAY.isoformat())
    # Listing blocks new acts only: the licence stays active.
    held = await client.get(f"/api/v1/licences/{shop['licence'].id}", headers=shop["licensee"])
    assert held.json()["status"] == "active"

    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(public_time, "utcnow", lambda: tomorrow)
    assert (await request_batch(client, shop, "CR-2")).status_code == 201
    assert (await apply(client, shop)).status_code == 201


async def test_a_listing_not_yet_started_does_not_refuse(client, shop) -> None:
    later = {"starts_on": (TODAY + timedelta(days=5)).isoformat()}
    await list_it(client, shop, days_left=30, **later)
    assert (await request_batch(client, shop, "CR-3")).status_code == 201


async def test_ending_early_lifts_the_refusal_once(client, shop) -> None:
    listing = await list_it(client, shop, days_left=300)
    assert_credit_listed(await request_batch(client, shop, "CR-4"), listing["ends_on"])
    url = f"/api/v1/credit-listings/{listing['id']}/end"
    ended = await client.post(url, json={"reason": "已完成信用修复"}, headers=shop["regulator"])
    assert ended.status_code == 200, ended.text
    assert ended.json()["in_force"] is False and ended.json()["end_reason"] == "已完成信用修复"
    assert (await request_batch(client, shop, "CR-5")).status_code == 201
    again = await client.post(url, json={"reason": "再次结束"}, headers=shop["regulator"])
    assert again.status_code == 409


async def test_only_a_regulator_lists_and_a_licensee_reads_only_its_own(
    session, client, shop
) -> None:
    body = listing_body(shop["company"].id)
    refused = await client.post("/api/v1/credit-listings", json=body, headers=shop["licensee"])
    assert refused.status_code == 403
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    assert (
        await client.post("/api/v1/credit-listings", json=body, headers=admin)
    ).status_code == 403

    own = await list_it(client, shop)
    stranger = await factories.enterprise(session, name="别家企业")
    other = await client.post(
        "/api/v1/credit-listings", json=listing_body(stranger.id), headers=shop["regulator"]
    )
    mine = await client.get("/api/v1/credit-listings", headers=shop["licensee"])
    assert [e["id"] for e in mine.json()["items"]] == [own["id"]]
    theirs = f"/api/v1/credit-listings/{other.json()['id']}"
    assert (await client.get(theirs, headers=shop["licensee"])).status_code == 404
    staff = await client.get(
        "/api/v1/credit-listings", params={"in_force": True}, headers=shop["regulator"]
    )
    assert {own["id"], other.json()["id"]} <= {e["id"] for e in staff.json()["items"]}


async def test_bad_listings_are_refused_without_storing_anything(client, shop) -> None:
    backwards = listing_body(shop["company"].id, ends_on=(TODAY - timedelta(days=20)).isoformat())
    response = await client.post(
        "/api/v1/credit-listings", json=backwards, headers=shop["regulator"]
    )
    assert response.status_code == 422
    nobody = listing_body(2**40)
    response = await client.post("/api/v1/credit-listings", json=nobody, headers=shop["regulator"])
    assert response.status_code == 404
    listed = await client.get("/api/v1/credit-listings", headers=shop["regulator"])
    assert shop["company"].id not in {e["enterprise_id"] for e in listed.json()["items"]}


async def test_the_public_register_and_the_credit_list_show_a_published_listing(
    session, client, shop
) -> None:
    await list_it(client, shop, days_left=90)
    ends_on = (TODAY + timedelta(days=90)).isoformat()
    register = await client.get("/api/v1/public/register", params={"q": shop["company"].uscc})
    (entry,) = register.json()["items"]
    assert entry["credit_listing"] == {
        **GROUNDS,
        "starts_on": (TODAY - timedelta(days=10)).isoformat(),
        "ends_on": ends_on,
    }
    html = await client.get("/public/register", params={"q": shop["company"].uscc})
    assert "已列入严重违法失信名单" in html.text and GROUNDS["legal_basis"] in html.text

    public = await client.get("/api/v1/public/credit-list", params={"q": "失信农业"})
    (listed,) = public.json()["items"]
    assert listed["enterprise_name"] == "失信农业公司" and listed["ends_on"] == ends_on
    page = await client.get("/public/credit-list", params={"lang": "en"})
    assert page.status_code == 200 and "失信农业公司" in page.text
    assert GROUNDS["case_number"] in page.text and ends_on in page.text


async def test_an_unpublished_listing_blocks_but_is_not_public(session, client, shop) -> None:
    await list_it(client, shop, days_left=30, published=False)
    assert_credit_listed(
        await request_batch(client, shop, "CR-6"), (TODAY + timedelta(days=30)).isoformat()
    )
    register = await client.get("/api/v1/public/register", params={"q": shop["company"].uscc})
    assert register.json()["items"][0]["credit_listing"] is None
    public = await client.get("/api/v1/public/credit-list", params={"q": shop["company"].uscc})
    assert public.json()["items"] == []


async def test_a_bureau_reads_the_listings_and_appeal_rights_of_its_jurisdiction_only(
    session, client, shop
) -> None:
    """The listed company is in 五原县 (150821): that county's bureau reads its listing and the
    right to appeal it; 海勃湾区's (150302) gets 404 and empty lists (issue 14). The published
    list itself stays public."""
    listing = await list_it(client, shop)
    for division, sees in (("150821", True), ("150302", False)):
        bureau = await factories.organisation(session, division_code=division)
        headers = await factories.auth_headers(
            session, client, Role.REGULATOR, organisation_id=bureau.id
        )
        one = await client.get(f"/api/v1/credit-listings/{listing['id']}", headers=headers)
        assert one.status_code == (200 if sees else 404), division
        listed = (await client.get("/api/v1/credit-listings", headers=headers)).json()["items"]
        assert (listing["id"] in [item["id"] for item in listed]) is sees, division
        rights = (await client.get("/api/v1/appeal-rights", headers=headers)).json()["items"]
        ours = [r for r in rights if r["enterprise_id"] == shop["company"].id]
        assert bool(ours) is sees, division
