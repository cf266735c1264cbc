from datetime import timedelta

import factories
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.principal import Role
from app.core.time import public_today
from app.label.models import LabelStatus
from app.licence.models import LicenceStatus

UNTIL = (public_today() + timedelta(days=730)).isoformat()
WITHDRAW = {
    "reason": "两年未使用",
    "legal_basis": "国家知识产权局公告第354号",
    "case_number": "WY-2026-001",
}


@pytest.fixture
async def world(session, client):
    product = await factories.product(session, code="WYXRK")
    company = await factories.enterprise(session)
    return {
        "product": product,
        "company": company,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, company.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


async def apply(client, world) -> dict:
    body = {
        "product_id": world["product"].id,
        "production_area_mu": "100",
        "production_location": "隆兴昌镇",
    }
    response = await client.post("/api/v1/licences", json=body, headers=world["licensee"])
    assert response.status_code == 201, response.text
    return response.json()


async def act(client, world, licence_id: int, action: str, body: dict | None = None):
    body = body if body is not None else {"reason": "按规定处理"}
    return await client.post(
        f"/api/v1/licences/{licence_id}/{action}", json=body, headers=world["regulator"]
    )


async def test_full_lifecycle_with_audit(session, client, world) -> None:
    licence = await apply(client, world)
    assert licence["status"] == "pending" and licence["enterprise_id"] == world["company"].id
    approved = await act(client, world, licence["id"], "approve", {"valid_until": UNTIL})
    assert approved.status_code == 200
    assert approved.json()["number"] == f"GI-WYXRK-{public_today().year}-0001"
    assert approved.json()["status"] == "active"
    assert (await act(client, world, licence["id"], "suspend")).json()["status"] == "suspended"
    assert (await act(client, world, licence["id"], "reinstate")).json()["status"] == "active"
    withdrawn = await act(client, world, licence["id"], "withdraw", WITHDRAW)
    assert withdrawn.json()["licence"]["status"] == "withdrawn"
    actions = list(
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "licence", AuditEvent.object_id == str(licence["id"]))
            .order_by(AuditEvent.seq)
        )
    )
    assert actions == [
        "licence.apply",
        "licence.approve",
        "licence.suspend",
        "licence.reinstate",
        "licence.withdraw",
    ]


ILLEGAL = [
    ("pending", "suspend"),
    ("pending", "reinstate"),
    ("pending", "withdraw"),
    ("active", "approve"),
    ("active", "reject"),
    ("active", "reinstate"),
    ("suspended", "approve"),
    ("suspended", "suspend"),
    ("withdrawn", "reinstate"),
    ("withdrawn", "suspend"),
    ("withdrawn", "approve"),
    ("withdrawn", "withdraw"),
    ("rejected", "approve"),
    ("rejected", "withdraw"),
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
async def test_illegal_transitions_are_409_naming_the_state(
    session, client, world, state, action
) -> None:
    licence = await factories.licence(
        session, world["company"].id, world["product"].id, status=LicenceStatus(state)
    )
    body = (
        {"valid_until": UNTIL}
        if action == "approve"
        else WITHDRAW
        if action == "withdraw"
        else None
    )
    response = await act(client, world, licence.id, action, body)
    assert response.status_code == 409, response.text
    assert response.json()["current_state"] == state


async def test_reject_needs_a_reason(client, world) -> None:
    licence = await apply(client, world)
    assert (await act(client, world, licence["id"], "reject", {})).status_code == 422
    rejected = await act(client, world, licence["id"], "reject", {"reason": "产地不在保护范围内"})
    assert rejected.json()["status"] == "rejected" and rejected.json()["decision_reason"]


async def test_expiry_follows_the_date_without_a_job(session, client, world) -> None:
    licence = await factories.licence(
        session,
        world["company"].id,
        world["product"].id,
        valid_until=public_today() - timedelta(days=1),
    )
    shown = await client.get(f"/api/v1/licences/{licence.id}", headers=world["licensee"])
    assert shown.json()["status"] == "expired" and shown.json()["stored_status"] == "active"
    assert (await act(client, world, licence.id, "suspend")).json()["current_state"] == "expired"


async def test_duplicate_open_application_is_refused(client, world) -> None:
    await apply(client, world)
    body = {
        "product_id": world["product"].id,
        "production_area_mu": "5",
        "production_location": "x镇",
    }
    again = await client.post("/api/v1/licences", json=body, headers=world["licensee"])
    assert again.status_code == 409 and again.json()["code"] == "duplicate_application"


async def test_withdraw_can_revoke_outstanding_labels(session, client, world) -> None:
    licence = await factories.licence(session, world["company"].id, world["product"].id)
    batch = await factories.batch(session, licence)
    labels = await factories.labels(session, batch, [f"CODE{i:016d}" for i in range(3)])
    labels[0].status = LabelStatus.VOID
    await session.flush()
    result = await act(client, world, licence.id, "withdraw", WITHDRAW | {"revoke_labels": True})
    assert result.json()["labels_revoked"] == 2
    for label in labels:
        await session.refresh(label)
    assert [label.status for label in labels] == [
        LabelStatus.VOID,
        LabelStatus.REVOKED,
        LabelStatus.REVOKED,
    ]


async def test_withdraw_keeps_labels_lawful_by_default(session, client, world) -> None:
    licence = await factories.licence(session, world["company"].id, world["product"].id)
    batch = await factories.batch(session, licence)
    (label,) = await factories.labels(session, batch, ["CODE0000000000000099"])
    result = await act(client, world, licence.id, "withdraw", WITHDRAW)
    assert result.json()["labels_revoked"] == 0
    await session.refresh(label)
    assert label.status is LabelStatus.ACTIVE


async def test_licensee_isolation(session, client, world) -> None:
    other = await factories.enterprise(session)
    theirs = await factories.licence(session, other.id, world["product"].id)
    mine = await factories.licence(session, world["company"].id, world["product"].id)
    headers = world["licensee"]
    assert (await client.get(f"/api/v1/licences/{theirs.id}", headers=headers)).status_code == 404
    assert (
        await client.get(f"/api/v1/licences/{theirs.id}/quota", headers=headers)
    ).status_code == 404
    listed = (await client.get("/api/v1/licences", headers=headers)).json()["items"]
    assert [item["id"] for item in listed] == [mine.id]
    body = {
        "product_id": world["product"].id,
        "enterprise_id": other.id,
        "production_area_mu": "1",
        "production_location": "x",
    }
    applied = (await client.post("/api/v1/licences", json=body, headers=headers)).json()
    assert applied.get("enterprise_id") in (None, world["company"].id)  # applies for itself only
    assert (await act(client, world, theirs.id, "suspend")).status_code == 200  # regulators see all


async def test_bad_filters_name_the_field(client, world) -> None:
    response = await client.get(
        "/api/v1/licences", params={"status": "dormant"}, headers=world["regulator"]
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "query.status"


async def test_every_decision_puts_its_reason_in_the_ledger(session, client, world) -> None:
    first = await apply(client, world)
    steps = [
        ("approve", {"valid_until": UNTIL, "reason": "材料齐全，现场核查通过"}),
        ("suspend", {"reason": "抽检不合格"}),
        ("reinstate", {"reason": "复检合格"}),
        ("withdraw", WITHDRAW),
    ]
    for action, body in steps:
        assert (await act(client, world, first["id"], action, body)).status_code == 200
    second = await apply(client, world)
    assert (await act(client, world, second["id"], "reject", {"reason": "面积不实"})).is_success
    reasons = {
        (event.object_id, event.action): event.reason
        for event in await session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "licence")
        )
    }
    for action, body in steps:
        assert reasons[(str(first["id"]), f"licence.{action}")] == body["reason"]
    assert reasons[(str(second["id"]), "licence.reject")] == "面积不实"
