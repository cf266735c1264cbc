"""Every non-public endpoint × every role: anonymous → 401, a role it does not admit → 403,
a role it admits → anything but an authorisation refusal. Built from the routers themselves,
so an endpoint added later is covered without touching this file."""

import re

import factories
import pytest

from app.core.permissions import api_routes, route_roles
from app.core.principal import Role
from app.main import ROUTERS

# The console's pages sign in by cookie, not bearer: their matrix is tests/console's.
GUARDED = [
    (method, route.path, roles)
    for route in api_routes(ROUTERS)
    if (roles := route_roles(route)) is not None and not route.path.startswith("/console")
    for method in sorted(route.methods)
]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


async def call(client, method: str, path: str, headers: dict[str, str] | None = None):
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    return await client.request(method, concrete(path), json=body, headers=headers or {})


def test_every_route_is_guarded_or_public() -> None:
    assert GUARDED, "no guarded routes found"


@pytest.mark.parametrize(
    ("method", "path", "roles"), GUARDED, ids=[f"{m} {p}" for m, p, _ in GUARDED]
)
async def test_role_matrix(session, client, method: str, path: str, roles: frozenset[Role]) -> None:
    anonymous = await call(client, method, path)
    assert anonymous.status_code == 401, anonymous.text
    for role in Role:
        headers = await factories.auth_headers(session, client, role)
        response = await call(client, method, path, headers)
        refused = response.status_code == 403 and response.json().get("code") == "role_not_allowed"
        assert refused == (role not in roles), (
            f"{role.value}: {response.status_code} {response.text}"
        )


# --- API-key minting: a key never carries more than its creator's role and enterprise --------

REQUESTED_ROLES = [None, *Role]  # None: "my own role"
REQUESTED_ENTERPRISES = ["none", "own", "other"]


def expected_key(creator: Role, role: Role | None, enterprise: str) -> tuple[int, Role | None]:
    """(status, role of the minted key) that a person of ``creator`` must get."""
    wanted = role or creator
    if creator is Role.INSPECTOR:
        return 403, None  # inspectors manage no keys at all
    if creator is Role.ADMIN:
        licensee_link_ok = (wanted is Role.LICENSEE) == (enterprise != "none")
        return (201, wanted) if licensee_link_ok else (422, None)
    if wanted is not creator:
        return 403, None
    if creator is Role.LICENSEE:
        return (201, wanted) if enterprise in ("none", "own") else (403, None)
    return (201, wanted) if enterprise == "none" else (403, None)


@pytest.mark.parametrize("creator", list(Role), ids=[r.value for r in Role])
async def test_key_minting_matrix(session, client, creator: Role) -> None:
    own = await factories.enterprise(session)
    other = await factories.enterprise(session)
    headers = await factories.auth_headers(
        session, client, creator, own.id if creator is Role.LICENSEE else None
    )
    ids = {"none": None, "own": own.id, "other": other.id}
    for role in REQUESTED_ROLES:
        for enterprise in REQUESTED_ENTERPRISES:
            body = {"name": "k", "role": role and role.value, "enterprise_id": ids[enterprise]}
            response = await client.post("/api/v1/api-keys", json=body, headers=headers)
            status, key_role = expected_key(creator, role, enterprise)
            case = f"{creator.value} asks {role} for {enterprise}: {response.text}"
            assert response.status_code == status, case
            if status != 201:
                continue
            key = response.json()
            me = await client.get("/api/v1/auth/me", headers={"X-API-Key": key["api_key"]})
            assert me.json()["role"] == key["role"] == key_role.value, case
            if key_role is Role.LICENSEE:
                expected_enterprise = own.id if creator is Role.LICENSEE else ids[enterprise]
                assert me.json()["enterprise_id"] == expected_enterprise, case
            else:
                assert me.json()["enterprise_id"] is None, case


async def test_an_api_key_mints_no_keys_and_creates_no_users(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    minted = await client.post("/api/v1/api-keys", json={"name": "ops"}, headers=admin)
    assert minted.json()["role"] == "admin"
    as_key = {"X-API-Key": minted.json()["api_key"]}
    for role in REQUESTED_ROLES:
        again = await client.post(
            "/api/v1/api-keys", json={"name": "child", "role": role and role.value}, headers=as_key
        )
        assert again.status_code == 403 and again.json()["code"] == "person_required"
    user = {
        "username": "viakey",
        "display_name": "v",
        "password": "long enough pw",
        "role": "admin",
    }
    created = await client.post("/api/v1/users", json=user, headers=as_key)
    assert created.status_code == 403 and created.json()["code"] == "person_required"


async def test_the_reported_escalation_is_closed(session, client) -> None:
    """Issue 10: a regulator minted an admin key and created admins with it."""
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    company = await factories.enterprise(session)
    for body in (
        {"name": "x", "role": "admin"},
        {"name": "x", "role": "licensee", "enterprise_id": company.id},
    ):
        response = await client.post("/api/v1/api-keys", json=body, headers=regulator)
        assert response.status_code == 403, response.text
    new_admin = {
        "username": "sneaky",
        "display_name": "s",
        "password": "long enough pw",
        "role": "admin",
    }
    refused = await client.post("/api/v1/users", json=new_admin, headers=regulator)
    assert refused.status_code == 403


async def test_a_key_stops_when_its_creator_is_disabled(session, client) -> None:
    account = await factories.user(session, Role.ADMIN)
    headers = await factories.login(client, account.username)
    key = (await client.post("/api/v1/api-keys", json={"name": "erp"}, headers=headers)).json()
    as_key = {"X-API-Key": key["api_key"]}
    assert (await client.get("/api/v1/auth/me", headers=as_key)).status_code == 200
    account.is_active = False
    await session.flush()
    assert (await client.get("/api/v1/auth/me", headers=as_key)).status_code == 401


async def test_a_regulator_sees_and_revokes_only_its_own_keys(session, client) -> None:
    admin = await factories.auth_headers(session, client, Role.ADMIN)
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    admins_key = (await client.post("/api/v1/api-keys", json={"name": "a"}, headers=admin)).json()
    own = (await client.post("/api/v1/api-keys", json={"name": "r"}, headers=regulator)).json()
    listed = [k["id"] for k in (await client.get("/api/v1/api-keys", headers=regulator)).json()]
    assert own["id"] in listed and admins_key["id"] not in listed
    gone = await client.delete(f"/api/v1/api-keys/{admins_key['id']}", headers=regulator)
    assert gone.status_code == 404
