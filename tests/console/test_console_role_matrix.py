"""Every console route × every role, like the API's matrix (tests/auth/test_role_matrix.py)
but signed in by cookie: no session → the login page; a role the route's action does not
admit, or an organisation kind ``ORG_POLICY`` does not (each role's test account joins its
default kind) → a 403 page; otherwise anything but 403."""

from __future__ import annotations

import re

import factories
import pytest
from console_helpers import client_for, csrf_of, log_in

from app.console.router import ROUTERS
from app.core.permissions import ORG_POLICY, api_routes, route_action, route_roles
from app.core.principal import Role

GUARDED = [
    (method, route.path, roles, route_action(route))
    for route in api_routes(ROUTERS)
    if (roles := route_roles(route)) is not None
    for method in sorted(route.methods)
]


def refused(role: Role, roles, action: str | None) -> bool:
    if role not in roles:
        return True
    kinds = ORG_POLICY.get(action or "")
    kind = factories.DEFAULT_ORG_KIND.get(role)
    return kinds is not None and kind is not None and kind not in kinds


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


def test_console_routes_are_found() -> None:
    assert len(GUARDED) >= 5


@pytest.mark.parametrize(
    ("method", "path", "roles", "action"), GUARDED, ids=[f"{m} {p}" for m, p, _, _ in GUARDED]
)
async def test_console_role_matrix(app, session, method: str, path: str, roles, action) -> None:
    async with client_for(app) as anonymous:
        response = await anonymous.request(method, concrete(path))
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=")
    for role in Role:
        company = await factories.enterprise(session) if role is Role.LICENSEE else None
        account = await factories.user(session, role, company.id if company else None)
        async with client_for(app) as client:
            assert (await log_in(client, account.username)).status_code == 303
            token = csrf_of((await client.get("/console")).text)
            data = {"csrf_token": token} if method == "POST" else None
            response = await client.request(method, concrete(path), data=data)
        assert (response.status_code == 403) == refused(role, roles, action), (
            role,
            response.status_code,
        )
