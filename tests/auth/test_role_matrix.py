"""Every non-public endpoint × every role: anonymous → 401, a role it does not admit → 403,
a role it admits → anything but an authorisation refusal. Built from the routers themselves,
so an endpoint added later is covered without touching this file."""

import re

import factories
import pytest

from app.auth.deps import api_routes, route_roles
from app.auth.models import Role
from app.main import ROUTERS

GUARDED = [
    (method, route.path, roles)
    for route in api_routes(ROUTERS)
    if (roles := route_roles(route)) is not None
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
