import factories
import pytest

from app.auth.models import Role

VALID = "91350100M000100Y43"


def body(uscc: str = VALID) -> dict:
    return {
        "name": "五原县丰瑞农业开发有限公司",
        "uscc": uscc,
        "address": "五原县",
        "region": "巴彦淖尔市",
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
