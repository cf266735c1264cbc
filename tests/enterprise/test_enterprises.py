import factories
import pytest

from app.core.principal import Role
from app.enterprise.uscc import check_character, compose

VALID = "91350100M000100Y43"


def body(uscc: str = VALID) -> dict:
    return {
        "name": "五原县丰瑞农业开发有限公司",
        "uscc": uscc,
        "address": "五原县",
        "region": "巴彦淖尔市",
        "division_code": "150821",  # the registered address's county (issue 14)
    }


@pytest.mark.parametrize(
    ("uscc", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M00010OY43", "character"),
        ("91350100M000100Y44", "check"),
    ],
)
async def test_invalid_uscc_is_refused_saying_why(session, client, uscc, reason) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    response = await client.post("/api/v1/enterprises", json=body(uscc), headers=regulator)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "body.uscc" and f"({reason})" in error["message"]


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("uscc", "part", "words"),
    [
        # a co-operative filed as type 4, which the market regulator (9) does not have
        (_with_check("94150821MA0N1K2X0"), "organisation_type", "character 2"),
        (_with_check("Q3150821MA0N1K2X0"), "authority", "character 1"),
        (_with_check("93150899MA0N1K2X0"), "division", "150899"),
        (_with_check("93150821MA0N1K2X7"), "organisation_code", "characters 9–17"),
    ],
)
async def test_each_part_of_the_uscc_is_checked_over_http(
    session, client, uscc, part, words
) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    response = await client.post("/api/v1/enterprises", json=body(uscc), headers=regulator)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    error = response.json()["errors"][0]
    assert error["type"] == f"uscc_{part}" and words in error["message"]


async def test_historical_division_code_is_accepted(session, client) -> None:
    # 杭州市下城区 (330103) was merged away in 2021; a code issued before keeps it for life.
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    historical = compose("91", "330103", "MA2CDE1F")
    created = await client.post("/api/v1/enterprises", json=body(historical), headers=regulator)
    assert created.status_code == 201 and created.json()["uscc"] == historical


async def test_editing_checks_a_corrected_uscc_and_keeps_it_otherwise(session, client) -> None:
    company = await factories.enterprise(session)
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    url = f"/api/v1/enterprises/{company.id}"
    kept = await client.put(url, json={**body(), "uscc": None}, headers=regulator)
    assert kept.status_code == 200 and kept.json()["uscc"] == company.uscc
    wrong = _with_check("93150821MA0N1K2X7")
    refused = await client.put(url, json=body(wrong), headers=regulator)
    assert refused.status_code == 422 and refused.json()["errors"][0]["type"] == (
        "uscc_organisation_code"
    )
    assert (await client.get(url, headers=regulator)).json()["uscc"] == company.uscc
    corrected = compose("93", "150821", "MA0N1K2X")
    fixed = await client.put(url, json=body(corrected), headers=regulator)
    assert fixed.status_code == 200 and fixed.json()["uscc"] == corrected
    other = await factories.enterprise(session)
    taken = await client.put(url, json=body(other.uscc), headers=regulator)
    assert taken.status_code == 409 and taken.json()["code"] == "uscc_taken"


async def test_create_and_duplicate_uscc(session, client) -> None:
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    created = await client.post("/api/v1/enterprises", json=body(VALID.lower()), headers=regulator)
    assert created.status_code == 201 and created.json()["uscc"] == VALID
    again = await client.post("/api/v1/enterprises", json=body(), headers=regulator)
    assert again.status_code == 409 and again.json()["code"] == "uscc_taken"


async def test_licensee_sees_and_edits_only_its_own_contact(session, client) -> None:
    mine, theirs = await factories.enterprise(session), await factories.enterprise(session)
    licensee = await factories.auth_headers(session, client, Role.LICENSEE, mine.id)

    assert (await client.get(f"/api/v1/enterprises/{mine.id}", headers=licensee)).status_code == 200
    assert (
        await client.get(f"/api/v1/enterprises/{theirs.id}", headers=licensee)
    ).status_code == 404
    listed = (await client.get("/api/v1/enterprises", headers=licensee)).json()
    assert [e["id"] for e in listed["items"]] == [mine.id]

    contact = {"contact_name": "王经理", "contact_phone": "0478-1234567"}
    changed = await client.patch(
        f"/api/v1/enterprises/{mine.id}/contact", json=contact, headers=licensee
    )
    assert changed.status_code == 200 and changed.json()["contact_name"] == "王经理"
    other = await client.patch(
        f"/api/v1/enterprises/{theirs.id}/contact", json=contact, headers=licensee
    )
    assert other.status_code == 404
    full = dict(body(), name="改名")
    assert (
        await client.put(f"/api/v1/enterprises/{mine.id}", json=full, headers=licensee)
    ).status_code == 403
