"""The admin's organisations API: create, list, read, edit; accounts assigned to one; a
staff account needs one, and its principal carries the organisation's kind and division."""

from __future__ import annotations

import factories

from app.core.principal import Role

LAB = {
    "name_zh": "巴彦淖尔市产品质量计量检测所",
    "name_en": "Bayannur product quality testing institute",
    "kind": "laboratory",
    "division_code": "150800",
    "accreditation_number": "CMA 2015050123",
    "accreditation_scope": "葵花籽理化指标",
}


async def test_an_admin_keeps_organisations(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    made = await client.post("/api/v1/organisations", json=LAB, headers=admin)
    assert made.status_code == 201, made.text
    lab = made.json()
    assert lab["division_name"] == "内蒙古自治区巴彦淖尔市"
    again = await client.post("/api/v1/organisations", json=LAB, headers=admin)
    assert again.status_code == 409
    edited = LAB | {"accreditation_scope": "葵花籽、面粉理化指标"}
    put = await client.put(f"/api/v1/organisations/{lab['id']}", json=edited, headers=admin)
    assert put.status_code == 200 and put.json()["accreditation_scope"] == "葵花籽、面粉理化指标"
    listed = await client.get(
        "/api/v1/organisations", params={"kind": "laboratory", "division": "150000"}, headers=admin
    )
    assert lab["id"] in {row["id"] for row in listed.json()["items"]}
    missing = await client.get("/api/v1/organisations/999999", headers=admin)
    assert missing.status_code == 404


async def test_bad_organisations_are_refused(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    for wrong in (
        LAB | {"accreditation_number": None},  # a laboratory without its accreditation
        LAB | {"division_code": "152822"},  # abolished (巴彦淖尔盟五原县)
        LAB | {"division_code": "999999"},
        LAB | {"kind": "ministry"},
    ):
        answer = await client.post("/api/v1/organisations", json=wrong, headers=admin)
        assert answer.status_code == 422, wrong
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    refused = await client.post("/api/v1/organisations", json=LAB, headers=regulator)
    assert refused.status_code == 403


async def test_staff_accounts_join_an_organisation_that_fits_their_role(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    county = await factories.organisation(session, division_code="150821")
    lab = await factories.organisation(session, factories.OrgKind.LABORATORY)
    person = {"username": "wy-clerk", "display_name": "五原职员", "password": "long enough pw"}
    no_org = await client.post("/api/v1/users", json=person | {"role": "regulator"}, headers=admin)
    assert no_org.status_code == 422 and no_org.json().get("field") == "organisation_id", (
        no_org.text
    )
    misfit = await client.post(
        "/api/v1/users",
        json=person | {"role": "regulator", "organisation_id": lab.id},
        headers=admin,
    )
    assert misfit.status_code == 422
    made = await client.post(
        "/api/v1/users",
        json=person | {"role": "regulator", "organisation_id": county.id},
        headers=admin,
    )
    assert made.status_code == 201 and made.json()["organisation_id"] == county.id
    city = await factories.organisation(session, division_code="150800")
    moved = await client.put(
        f"/api/v1/users/{made.json()['id']}/organisation",
        json={"organisation_id": city.id},
        headers=admin,
    )
    assert moved.status_code == 200 and moved.json()["organisation_id"] == city.id
    wrong = await client.put(
        f"/api/v1/users/{made.json()['id']}/organisation",
        json={"organisation_id": lab.id},
        headers=admin,
    )
    assert wrong.status_code == 422


async def test_a_staff_account_of_no_organisation_cannot_act(session, client) -> None:
    account = await factories.user(session, Role.REGULATOR, organisation_id=None)
    headers = await factories.login(client, account.username)
    answer = await client.get("/api/v1/licences", headers=headers)
    assert answer.status_code == 401
    assert "organisation" in answer.json()["detail"]


async def test_an_api_key_acts_for_its_creators_organisation(session, client) -> None:
    county = await factories.organisation(session, division_code="150821")
    regulator = await factories.auth_headers(
        session, client, Role.REGULATOR, organisation_id=county.id
    )
    wuhai = await factories.enterprise(
        session, division_code="150302", uscc=factories.compose("91", "150302", "MK000001")
    )
    key = (await client.post("/api/v1/api-keys", json={"name": "erp"}, headers=regulator)).json()
    keyed = {"X-API-Key": key["api_key"]}
    assert (await client.get(f"/api/v1/enterprises/{wuhai.id}", headers=keyed)).status_code == 404
    own = await factories.enterprise(session)
    assert (await client.get(f"/api/v1/enterprises/{own.id}", headers=keyed)).status_code == 200
