"""Annual use reports: submitted by the licensee, returned with a reason or accepted by the
regulator, scoped to the licensee's enterprise, listed when missing, and counted as use by
the two-year non-use rule."""

from __future__ import annotations

from datetime import timedelta

import factories
import pytest

from app.core.principal import Role
from app.core.time import public_today, utcnow
from app.label.licence_use import months_before


def report_body(product_id: int, year: int, **overrides) -> dict:
    return {
        "product_id": product_id,
        "year": year,
        "produced_kg": "12000.5",
        "sold_domestic_kg": "8000",
        "sold_export_kg": "3000",
        "output_value_yuan": "360000.00",
        "labels_applied": 20000,
        "packaging_printed": 1500,
        "sales_channels": "批发市场、电商",
        "authorised_shops": "五原县隆兴昌镇专卖店",
    } | overrides


@pytest.fixture
async def world(session, client):
    product = await factories.product(session)
    mine = await factories.enterprise(session, name="丰瑞农业")
    other = await factories.enterprise(session, name="河套食品")
    silent = await factories.enterprise(session, name="沉默企业")
    for company in (mine, other, silent):
        await factories.licence(session, company.id, product.id)
    return {
        "product": product,
        "mine": mine,
        "other": other,
        "silent": silent,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, mine.id),
        "other_licensee": await factories.auth_headers(session, client, Role.LICENSEE, other.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


async def test_submit_return_resubmit_accept(session, client, world) -> None:
    year = public_today().year - 1
    body = report_body(world["product"].id, year)
    submitted = await client.post("/api/v1/use-reports", json=body, headers=world["licensee"])
    assert submitted.status_code == 201, submitted.text
    report = submitted.json()
    assert report["status"] == "submitted" and report["enterprise_id"] == world["mine"].id
    twice = await client.post("/api/v1/use-reports", json=body, headers=world["licensee"])
    assert twice.status_code == 409

    url = f"/api/v1/use-reports/{report['id']}"
    returned = await client.post(
        f"{url}/return", json={"reason": "出口量与报关单不符"}, headers=world["regulator"]
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "出口量与报关单不符"
    accept_returned = await client.post(f"{url}/accept", headers=world["regulator"])
    assert accept_returned.status_code == 409
    assert accept_returned.json()["current_state"] == "returned"

    fixed = body | {"sold_export_kg": "2800"}
    again = await client.post("/api/v1/use-reports", json=fixed, headers=world["licensee"])
    assert again.json()["id"] == report["id"] and again.json()["status"] == "submitted"
    accepted = await client.post(f"{url}/accept", headers=world["regulator"])
    assert (
        accepted.json()["status"] == "accepted" and accepted.json()["sold_export_kg"] == "2800.000"
    )


async def test_a_licensee_cannot_see_another_enterprise_report(session, client, world) -> None:
    body = report_body(world["product"].id, public_today().year - 1)
    report = (await client.post("/api/v1/use-reports", json=body, headers=world["licensee"])).json()
    url = f"/api/v1/use-reports/{report['id']}"
    assert (await client.get(url, headers=world["other_licensee"])).status_code == 404
    assert (await client.get(url, headers=world["licensee"])).status_code == 200
    theirs = (await client.get("/api/v1/use-reports", headers=world["other_licensee"])).json()
    assert theirs["total"] == 0
    assert (await client.post(f"{url}/accept", headers=world["licensee"])).status_code == 403


async def test_a_product_without_a_licence_is_refused(session, client, world) -> None:
    stranger = await factories.product(session)
    body = report_body(stranger.id, public_today().year - 1)
    response = await client.post("/api/v1/use-reports", json=body, headers=world["licensee"])
    assert response.status_code == 404


async def test_missing_and_late_reports_are_listed(session, client, world) -> None:
    product = world["product"]
    late_year = public_today().year - 2  # due on 31 March of last year: submitting now is late
    body = report_body(product.id, late_year)
    await client.post("/api/v1/use-reports", json=body, headers=world["licensee"])
    url = f"/api/v1/use-reports/missing?product_id={product.id}&year={late_year}"
    # the factories' licences were approved 30 days ago: held only this year
    assert (await client.get(url, headers=world["regulator"])).json() == []

    year = public_today().year
    await client.post(
        "/api/v1/use-reports", json=report_body(product.id, year), headers=world["licensee"]
    )
    url = f"/api/v1/use-reports/missing?product_id={product.id}&year={year}"
    listed = {
        row["enterprise_name"]: row
        for row in (await client.get(url, headers=world["regulator"])).json()
    }
    assert set(listed) == {"河套食品", "沉默企业"}
    assert listed["沉默企业"]["status"] == "missing" and listed["沉默企业"]["late"] is False


async def test_late_submission_is_marked(session, client, world) -> None:
    product = world["product"]
    await factories.licence(
        session, world["silent"].id, product.id, decided_at=utcnow() - timedelta(days=1200)
    )
    late_year = public_today().year - 2
    headers = await factories.auth_headers(session, client, Role.LICENSEE, world["silent"].id)
    body = report_body(product.id, late_year)
    report = (await client.post("/api/v1/use-reports", json=body, headers=headers)).json()
    assert report["submitted_late"] is True
    url = f"/api/v1/use-reports/missing?product_id={product.id}&year={late_year}"
    rows = (await client.get(url, headers=world["regulator"])).json()
    assert [(r["enterprise_id"], r["status"], r["late"]) for r in rows] == [
        (world["silent"].id, "submitted", True)
    ]


async def test_an_accepted_report_counts_as_use_for_the_non_use_rule(session, client) -> None:
    product = await factories.product(session)
    company = await factories.enterprise(session)
    long_ago = months_before(utcnow(), 30)
    await factories.licence(session, company.id, product.id, decided_at=long_ago)
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)

    def idle(cases: list) -> bool:
        return any(case["enterprise_id"] == company.id for case in cases)

    assert idle((await client.get("/api/v1/licences/non-use", headers=regulator)).json())
    licensee = await factories.auth_headers(session, client, Role.LICENSEE, company.id)
    body = report_body(product.id, public_today().year)
    report = (await client.post("/api/v1/use-reports", json=body, headers=licensee)).json()
    # submitted is not enough: the regulator must accept it
    assert idle((await client.get("/api/v1/licences/non-use", headers=regulator)).json())
    await client.post(f"/api/v1/use-reports/{report['id']}/accept", headers=regulator)
    assert not idle((await client.get("/api/v1/licences/non-use", headers=regulator)).json())


@pytest.mark.parametrize("path", ["/api/v1/use-reports", "/api/v1/use-reports/missing"])
async def test_a_year_out_of_range_is_refused_not_a_crash(session, client, path):
    """Found by fuzzing: year=-2**63 reached the date arithmetic and answered 500."""
    headers = await factories.auth_headers(session, client, Role.REGULATOR)
    params = {"year": str(-(2**63)), "product_id": "1"}
    answer = await client.get(path, params=params, headers=headers)
    assert answer.status_code == 422, answer.text
