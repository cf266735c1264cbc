"""NUL characters in text and integers outside 64 bits are 422 problem+json, for every kind of
input (path, query, JSON body, form), and nothing is stored."""

import factories
import pytest
from sqlalchemy import func, select

from app.core.principal import Role
from app.enterprise.models import Enterprise
from app.report.models import ConsumerReport

TOO_BIG = 2**63  # one past BIGINT
TOO_SMALL = -(2**63) - 1


def assert_refused(response, field: str, kind: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_failed" and body["request_id"]
    assert {"field": field, "type": kind} in [
        {"field": e["field"], "type": e["type"]} for e in body["errors"]
    ], body


@pytest.fixture
async def regulator(session, client) -> dict[str, str]:
    return await factories.auth_headers(session, client, Role.REGULATOR)


async def test_nul_in_a_query_parameter(client, regulator) -> None:
    response = await client.get("/api/v1/enterprises", params={"q": "五原\x00"}, headers=regulator)
    assert_refused(response, "query.q", "string_nul")
    public = await client.get("/public/register", params={"q": "\x00"})
    assert_refused(public, "query.q", "string_nul")


async def test_nul_in_a_path_segment_even_on_the_bare_verify_endpoint(client) -> None:
    response = await client.get("/api/v1/verify/K3F9%00ABCDEFGHJKMNPQR")
    assert_refused(response, "path", "string_nul")
    page = await client.get("/v/K3F9%00ABCDEFGHJKMNPQR")
    assert_refused(page, "path", "string_nul")


async def test_nul_in_json_strings_and_keys(session, client, regulator) -> None:
    before = await session.scalar(select(func.count()).select_from(Enterprise))
    body = {
        "name": "五原\x00公司",
        "uscc": "91350100M000100Y43",
        "address": "五原县",
        "region": "巴彦淖尔市",
    }
    response = await client.post("/api/v1/enterprises", json=body, headers=regulator)
    assert_refused(response, "body.name", "string_nul")
    keyed = await client.post(
        "/api/v1/enterprises", json={**body, "name": "ok", "x\x00": 1}, headers=regulator
    )
    assert_refused(keyed, "body.x\\u0000", "string_nul")
    assert await session.scalar(select(func.count()).select_from(Enterprise)) == before


async def test_nul_in_form_text_fields(session, client) -> None:
    before = await session.scalar(select(func.count()).select_from(ConsumerReport))
    form = {"what_was_seen": "a label\x00 that looks printed at home"}
    response = await client.post("/api/v1/reports", data=form)
    assert_refused(response, "body.what_was_seen", "string_nul")
    multipart = await client.post(
        "/api/v1/reports", data=form, files={"photo": ("p.jpg", b"\x00\xff", "image/jpeg")}
    )
    assert_refused(multipart, "body.what_was_seen", "string_nul")
    login = await client.post("/api/v1/auth/token", data={"username": "a\x00", "password": "x"})
    assert_refused(login, "body.username", "string_nul")
    assert await session.scalar(select(func.count()).select_from(ConsumerReport)) == before


@pytest.mark.parametrize("value", [TOO_BIG, TOO_SMALL])
async def test_path_ids_beyond_64_bits(client, regulator, value) -> None:
    response = await client.get(f"/api/v1/enterprises/{value}", headers=regulator)
    assert_refused(response, "path.enterprise_id", "int_out_of_range")


async def test_largest_64_bit_id_is_just_not_found(client, regulator) -> None:
    response = await client.get(f"/api/v1/enterprises/{2**63 - 1}", headers=regulator)
    assert response.status_code == 404


async def test_paging_and_filter_integers_beyond_64_bits(client, regulator) -> None:
    paged = await client.get("/api/v1/enterprises", params={"offset": TOO_BIG}, headers=regulator)
    assert_refused(paged, "query.offset", "int_out_of_range")
    filtered = await client.get(
        "/api/v1/inspections", params={"batch_id": TOO_BIG}, headers=regulator
    )
    assert_refused(filtered, "query.batch_id", "int_out_of_range")
    notices = await client.get("/api/v1/public/notices", params={"product_id": TOO_BIG})
    assert_refused(notices, "query.product_id", "int_out_of_range")


async def test_json_body_ids_beyond_64_bits(client, regulator) -> None:
    body = {
        "scope": "batch",
        "batch_id": TOO_BIG,
        "reason": "counterfeit print run",
        "legal_basis": "商标法第五十七条",
        "case_number": "WY-2026-001",
    }
    response = await client.post("/api/v1/revocations", json=body, headers=regulator)
    assert_refused(response, "body.batch_id", "int_out_of_range")
    nested = await client.post(
        "/api/v1/inspection-plans",
        json={"year": 2026, "inspector_ids": [1, TOO_SMALL]},
        headers=regulator,
    )
    assert_refused(nested, "body.inspector_ids.1", "int_out_of_range")


async def test_a_body_that_is_not_utf8_is_a_422_like_any_malformed_json(client, regulator) -> None:
    response = await client.post(
        "/api/v1/enterprises",
        content=b'{"name": "\xff\xfe"}',
        headers={**regulator, "content-type": "application/json"},
    )
    assert_refused(response, "body", "body_unparsable")
