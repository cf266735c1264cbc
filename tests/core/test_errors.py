"""problem+json for every kind of error, with a request id and never a stack trace."""

import factories
import pytest
from fastapi import APIRouter

from app.core.errors import InvalidState, NotFound
from app.core.permissions import PUBLIC
from app.core.principal import Role

PROBLEM_KEYS = {"type", "title", "status", "code", "request_id"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS and body["status"] == status and body["code"] == code
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@pytest.fixture
def app_with_faults(app):
    router = APIRouter(dependencies=[PUBLIC])

    @router.get("/_test/conflict")
    async def conflict() -> None:
        raise InvalidState("licence is withdrawn", current_state="withdrawn")

    @router.get("/_test/missing")
    async def missing() -> None:
        raise NotFound("no such thing")

    @router.get("/_test/crash")
    async def crash() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.include_router(router)
    return app


async def test_401_403_404_409_422_500(session, client, app_with_faults) -> None:
    assert_problem(await client.get("/api/v1/audit/verify"), 401, "not_authenticated")
    licensee = await factories.auth_headers(session, client, Role.LICENSEE)
    assert_problem(
        await client.get("/api/v1/audit/verify", headers=licensee), 403, "role_not_allowed"
    )
    assert_problem(await client.get("/_test/missing"), 404, "not_found")
    assert_problem(await client.get("/no/such/route"), 404, "not_found")
    body = assert_problem(await client.get("/_test/conflict"), 409, "invalid_state")
    assert body["current_state"] == "withdrawn"
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    invalid = await client.post(
        "/api/v1/users", json={"username": "x", "role": "emperor"}, headers=admin
    )
    body = assert_problem(invalid, 422, "validation_failed")
    fields = {e["field"] for e in body["errors"]}
    assert {"body.username", "body.role", "body.password", "body.display_name"} <= fields


async def test_500_hides_the_trace(app_with_faults) -> None:
    import httpx

    transport = httpx.ASGITransport(app=app_with_faults, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/_test/crash")
    body = assert_problem(response, 500, "internal_error")
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert body["request_id"]


async def test_request_id_is_echoed_when_sane(client) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123-def"})
    assert response.headers["x-request-id"] == "abc-123-def"
    response = await client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response.headers["x-request-id"] != "<script>"
