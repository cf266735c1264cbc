"""Who may do what, by organisation kind (issue 14 point 2): ``ORG_POLICY`` applied by
``can()`` for every (action, kind), the README's table equal to it, and the rule seen
through the API (an agriculture bureau may not revoke; test items are the agriculture
bureau's)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import factories
import pytest

from app.core.permissions import ORG_POLICY, PARTS, POLICY, can, org_policy_table
from app.core.principal import OrgKind, Principal, Role
from app.registry import schemas as registry_schemas

README = Path(__file__).resolve().parents[2] / "README.md"
# The role a member of each kind of organisation has (a bureau's inspectors aside).
ROLE_OF = {
    OrgKind.MARKET_SUPERVISION: Role.REGULATOR,
    OrgKind.AGRICULTURE: Role.REGULATOR,
    OrgKind.ASSOCIATION: Role.REGULATOR,
    OrgKind.TOWNSHIP: Role.REGULATOR,
    OrgKind.LABORATORY: Role.INSPECTOR,
    OrgKind.PLATFORM_OPERATOR: Role.ADMIN,
}
CASES = list(itertools.product(ORG_POLICY, OrgKind))


def member(kind: OrgKind, role: Role | None = None) -> Principal:
    return Principal("user", 7, "member", role or ROLE_OF[kind], None, kind, "150000")


@pytest.mark.dbless
def test_every_action_of_the_table_is_an_action_or_a_part_of_one() -> None:
    for action in ORG_POLICY:
        assert action in POLICY or PARTS.get(action) in POLICY, action


@pytest.mark.dbless
@pytest.mark.parametrize(("action", "kind"), CASES, ids=[f"{a}-{k.value}" for a, k in CASES])
def test_the_org_kind_decides_where_the_role_admits(action: str, kind: OrgKind) -> None:
    role = ROLE_OF[kind]
    role_admits = role in POLICY[PARTS.get(action, action)]
    assert can(member(kind), action) is (role_admits and kind in ORG_POLICY[action])
    # a bureau's own inspectors are held to their bureau's kind as well
    if kind in (OrgKind.MARKET_SUPERVISION, OrgKind.AGRICULTURE):
        inspector = member(kind, Role.INSPECTOR)
        expected = (
            Role.INSPECTOR in POLICY[PARTS.get(action, action)] and kind in ORG_POLICY[action]
        )
        assert can(inspector, action) is expected


@pytest.mark.dbless
def test_an_action_outside_the_table_is_open_to_every_kind_the_role_admits() -> None:
    for kind in OrgKind:
        assert can(member(kind), "licence.read") is (ROLE_OF[kind] in POLICY["licence.read"])


@pytest.mark.dbless
def test_the_readme_table_is_the_org_policy() -> None:
    found = re.search(
        r"<!-- org-actions:start -->\n(.*?)\n<!-- org-actions:end -->",
        README.read_text("utf-8"),
        re.S,
    )
    assert found, "README lost its org-actions table markers"
    assert found.group(1) == org_policy_table()


async def _bureau(session, client, kind: OrgKind, division: str = "150000") -> dict[str, str]:
    organisation = await factories.organisation(session, kind, division)
    return await factories.auth_headers(
        session, client, Role.REGULATOR, organisation_id=organisation.id
    )


async def test_only_a_market_supervision_bureau_revokes(session, client) -> None:
    company = await factories.enterprise(session)
    product = await factories.product(session)
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(session, licence)
    body = {
        "scope": "batch",
        "batch_id": batch.id,
        "reason": "冒用他人许可编号",
        "legal_basis": "《商标法》第五十七条",
        "case_number": "五市监罚〔2026〕31号",
    }
    for kind in (OrgKind.AGRICULTURE, OrgKind.ASSOCIATION, OrgKind.TOWNSHIP):
        headers = await _bureau(session, client, kind)
        refused = await client.post("/api/v1/revocations", json=body, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "organisation_not_allowed"
    bureau = await _bureau(session, client, OrgKind.MARKET_SUPERVISION, "150821")
    done = await client.post("/api/v1/revocations", json=body, headers=bureau)
    assert done.status_code == 201, done.text


async def test_test_items_are_the_agriculture_bureaus(session, client) -> None:
    product = await factories.product(session)
    await factories.test_item(session, product.id, code="moisture")
    answer = await client.get(
        f"/api/v1/products/{product.id}",
        headers=await factories.auth_headers(session, client, Role.REGULATOR),
    )
    read = answer.json()
    body = {name: read[name] for name in registry_schemas.ProductFields.model_fields} | {
        "test_items": [
            {name: item[name] for name in registry_schemas.TestItemIn.model_fields}
            for item in read["test_items"]
        ]
    }
    changed = body | {"test_items": [item | {"max_value": "8.5"} for item in body["test_items"]]}
    market = await _bureau(session, client, OrgKind.MARKET_SUPERVISION)
    refused = await client.put(f"/api/v1/products/{product.id}", json=changed, headers=market)
    assert refused.status_code == 403, refused.text
    unchanged = await client.put(f"/api/v1/products/{product.id}", json=body, headers=market)
    assert unchanged.status_code == 200, unchanged.text
    agriculture = await _bureau(session, client, OrgKind.AGRICULTURE, "150821")
    done = await client.put(f"/api/v1/products/{product.id}", json=changed, headers=agriculture)
    assert done.status_code == 200, done.text
    assert done.json()["test_items"][0]["max_value"] in ("8.5", "8.5000", 8.5)
