"""The one permission check: ``can`` against the whole ``POLICY`` table, every route naming one
action of it, the app refusing to start otherwise, and the README's table kept equal to it."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import factories
import pytest
from fastapi import APIRouter

import app.main
from app.core.permissions import (
    POLICY,
    PUBLIC,
    api_routes,
    assert_routes_guarded,
    can,
    is_public,
    permit,
    policy_table,
    route_actions,
    route_roles,
)
from app.core.principal import Principal, Role
from app.main import ROUTERS

README = Path(__file__).resolve().parents[2] / "README.md"
OWN, OTHER, ME, SOMEONE = 7, 8, 21, 22


def principal(role: Role) -> Principal:
    enterprise = OWN if role is Role.LICENSEE else None
    return Principal("user", ME, f"a {role.value}", role, enterprise)


@dataclass
class Batch:  # an enterprise's object
    enterprise_id: int | None


@dataclass
class Inspection:  # names its inspector
    inspector_id: int | None


@dataclass
class Product:  # belongs to no one
    name: str = "Longjing tea"


# --- can: the role rule, over the whole table ---------------------------------------------


@pytest.mark.dbless
@pytest.mark.parametrize(
    ("action", "role"),
    list(itertools.product(POLICY, Role)),
    ids=[f"{a}-{r.value}" for a, r in itertools.product(POLICY, Role)],
)
def test_the_role_rule_is_the_table(action: str, role: Role) -> None:
    assert can(principal(role), action) is (role in POLICY[action])


@pytest.mark.dbless
def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        can(principal(Role.ADMIN), "licence.aprove")
    with pytest.raises(KeyError):
        permit("licence.aprove")


# --- can: the object rule -----------------------------------------------------------------


@pytest.mark.dbless
@pytest.mark.parametrize("role", [Role.ADMIN, Role.REGULATOR])
def test_staff_act_on_every_object(role: Role) -> None:
    for obj in (Batch(OWN), Batch(OTHER), Batch(None), Inspection(SOMEONE), Product()):
        assert can(principal(role), "batch.read", obj)


@pytest.mark.dbless
def test_a_licensee_acts_only_on_its_own_enterprise() -> None:
    licensee = principal(Role.LICENSEE)
    assert can(licensee, "batch.read", Batch(OWN))
    assert not can(licensee, "batch.read", Batch(OTHER))
    assert not can(licensee, "batch.read", Batch(None))  # e.g. a report about no one's label
    assert can(licensee, "product.read", Product())  # no one's: the role rule decides


@pytest.mark.dbless
def test_the_role_rule_comes_before_the_object_rule() -> None:
    assert not can(principal(Role.LICENSEE), "batch.approve", Batch(OWN))
    assert not can(principal(Role.INSPECTOR), "batch.read", Batch(OWN), assigned=True)


@pytest.mark.dbless
def test_an_inspector_acts_where_it_is_named_or_assigned() -> None:
    inspector = principal(Role.INSPECTOR)
    assert can(inspector, "inspection.read", Inspection(ME))
    assert not can(inspector, "inspection.read", Inspection(SOMEONE))
    assert can(inspector, "inspection.read", Inspection(SOMEONE), assigned=True)
    assert not can(inspector, "inspection.read", Batch(OWN))
    assert can(inspector, "inspection.read", Batch(OWN), assigned=True)
    assert can(inspector, "product.read", Product())


@pytest.mark.dbless
def test_an_inspectors_api_key_is_not_the_inspector_in_person() -> None:
    key = Principal("api_key", ME, "erp", Role.INSPECTOR)
    assert not can(key, "inspection.read", Inspection(ME))


# --- routes: one action each, from the table ----------------------------------------------

ROUTES = list(api_routes(ROUTERS))


@pytest.mark.dbless
@pytest.mark.parametrize("route", ROUTES, ids=[f"{sorted(r.methods)} {r.path}" for r in ROUTES])
def test_every_route_names_one_action_of_the_table_or_is_public(route) -> None:
    actions = route_actions(route)
    if is_public(route):
        assert actions == set()
        assert route_roles(route) is None
    else:
        assert len(actions) == 1 and actions <= POLICY.keys()
        assert route_roles(route) == POLICY[actions.pop()]


@pytest.mark.dbless
def test_every_action_is_performed_by_some_route() -> None:
    performed = set().union(*(route_actions(route) for route in ROUTES))
    assert performed == POLICY.keys()


def _router_with(*dependencies) -> APIRouter:
    router = APIRouter()

    @router.get("/forgotten", dependencies=list(dependencies))
    async def forgotten() -> None: ...

    return router


@pytest.mark.dbless
@pytest.mark.parametrize(
    "dependencies",
    [(), (permit("batch.read"), permit("batch.approve")), (PUBLIC, permit("batch.read"))],
    ids=["none", "two actions", "public and an action"],
)
def test_a_route_without_exactly_one_action_is_refused(dependencies) -> None:
    with pytest.raises(RuntimeError, match=r"\['GET'\] /forgotten"):
        assert_routes_guarded([_router_with(*dependencies)])


@pytest.mark.dbless
def test_the_app_refuses_to_start_when_a_route_names_no_action(monkeypatch) -> None:
    monkeypatch.setattr(app.main, "ROUTERS", (*ROUTERS, _router_with()))
    with pytest.raises(RuntimeError, match="without exactly one action"):
        app.main.create_app()  # checks its routes before anything else


@pytest.mark.dbless
def test_a_guard_admits_what_its_action_does() -> None:
    router = APIRouter()

    @router.get("/x")
    async def x(_p: Annotated[Principal, permit("label.void")]) -> None: ...

    (route,) = api_routes([router])
    assert route_roles(route) == frozenset({Role.LICENSEE})


# --- over HTTP: the refusal a client sees -------------------------------------------------


async def test_a_role_the_action_does_not_admit_is_refused_naming_the_roles(
    session, client
) -> None:
    headers = await factories.auth_headers(session, client, Role.INSPECTOR)
    response = await client.post("/api/v1/licences/1/approve", json={}, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"
    assert response.json()["detail"] == "this action needs one of the roles: admin, regulator"


async def test_no_credential_is_401(client) -> None:
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


# --- the README's table -------------------------------------------------------------------


@pytest.mark.dbless
def test_the_readme_table_is_the_policy() -> None:
    found = re.search(
        r"<!-- permissions:start -->\n(.*?)\n<!-- permissions:end -->",
        README.read_text("utf-8"),
        re.S,
    )
    assert found, "README lost its permissions table markers"
    assert found.group(1) == policy_table(), "regenerate it: python -m app.core.permissions"
