"""Every console route × every role, like the API's matrix (tests/auth/test_role_matrix.py)
but signed in by cookie: no session → the login page; a role the route's action does not
admit, or an organisation kind ``ORG_POLICY`` does not (each role's test account joins its
default kind) → a 403 page; otherwise anything but 403."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import factories
import httpx
import pytest
from console_helpers import client_for, csrf_of, log_in
from module_app import module_app
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.console.router import ROUTERS
from app.core.config import Settings
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


@dataclass
class Signed:
    """The module's app, its connection, and each role's signed-in cookies and CSRF token."""

    app: Any
    connection: AsyncConnection
    cookies: dict[Role, httpx.Cookies]
    tokens: dict[Role, str]


@pytest.fixture(scope="module")
async def signed(engine: AsyncEngine, test_settings: Settings) -> AsyncIterator[Signed]:
    """One account per role, signed in once for the module (a login costs a password hash);
    each request below runs in a savepoint rolled back after it, from a copy of the role's
    cookies, so no request sees another's effects, server- or client-side."""
    async with module_app(engine, test_settings) as module:
        app = module.app
        cookies, tokens = {}, {}
        async with module.sessionmaker() as session:
            accounts = {}
            for role in Role:
                company = await factories.enterprise(session) if role is Role.LICENSEE else None
                accounts[role] = await factories.user(
                    session, role, company.id if company else None
                )
            await session.commit()
        for role, account in accounts.items():
            async with client_for(app) as client:
                assert (await log_in(client, account.username)).status_code == 303
                tokens[role] = csrf_of((await client.get("/console")).text)
                cookies[role] = httpx.Cookies(client.cookies)
        yield Signed(app, module.connection, cookies, tokens)


@pytest.mark.parametrize(
    ("method", "path", "roles", "action"), GUARDED, ids=[f"{m} {p}" for m, p, _, _ in GUARDED]
)
async def test_console_role_matrix(signed: Signed, method: str, path: str, roles, action) -> None:
    async with client_for(signed.app) as anonymous:
        response = await anonymous.request(method, concrete(path))
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=")
    for role in Role:
        data = {"csrf_token": signed.tokens[role]} if method == "POST" else None
        savepoint = await signed.connection.begin_nested()
        try:
            async with client_for(signed.app) as client:
                client.cookies = httpx.Cookies(signed.cookies[role])
                response = await client.request(method, concrete(path), data=data)
        finally:
            await savepoint.rollback()
        assert (response.status_code == 403) == refused(role, roles, action), (
            role,
            response.status_code,
        )
