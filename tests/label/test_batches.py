from decimal import Decimal

import factories
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core.principal import Role
from app.core.time import public_today
from app.label.models import Label, LabelBatch


def batch_body(licence_id: int, lot: str = "WY-2026-001", quantity: int = 20) -> dict:
    return {
        "licence_id": licence_id,
        "lot_number": lot,
        "quantity": quantity,
        "unit": "袋 0.5 kg",
        "production_date": public_today().isoformat(),
        "origin": "五原县隆兴昌镇",
    }


async def request(client, shop, key: str | None = "k-1", **overrides):
    headers = dict(shop["licensee"])
    if key:
        headers["Idempotency-Key"] = key
    body = batch_body(shop["licence"].id) | overrides
    return await client.post("/api/v1/batches", json=body, headers=headers)


async def label_count(session, batch_id: int) -> int:
    return await session.scalar(
        select(func.count()).select_from(Label).where(Label.batch_id == batch_id)
    )


async def test_request_approve_issue(session, client, shop) -> None:
    created = await request(client, shop)
    assert created.status_code == 201, created.text
    batch = created.json()
    assert batch["status"] == "requested" and batch["season"] == public_today().year
    approved = await client.post(
        f"/api/v1/batches/{batch['id']}/approve", json={}, headers=shop["regulator"]
    )
    assert approved.json()["status"] == "issued"
    assert await label_count(session, batch["id"]) == 20
    again = await client.post(f"/api/v1/batches/{batch['id']}/issue", headers=shop["regulator"])
    assert again.status_code == 409 and again.json()["current_state"] == "issued"
    assert await label_count(session, batch["id"]) == 20
    recon = (
        await client.get(f"/api/v1/batches/{batch['id']}/reconciliation", headers=shop["licensee"])
    ).json()
    assert (recon["issued"], recon["active"], recon["voided"], recon["scanned_at_least_once"]) == (
        20,
        20,
        0,
        0,
    )


async def test_reject_needs_reason_and_is_final(client, shop) -> None:
    batch = (await request(client, shop)).json()
    url = f"/api/v1/batches/{batch['id']}"
    assert (
        await client.post(f"{url}/reject", json={}, headers=shop["regulator"])
    ).status_code == 422
    rejected = await client.post(
        f"{url}/reject", json={"reason": "产地不符"}, headers=shop["regulator"]
    )
    assert rejected.json()["status"] == "rejected"
    approve = await client.post(f"{url}/approve", json={}, headers=shop["regulator"])
    assert approve.status_code == 409 and approve.json()["current_state"] == "rejected"


async def test_auto_approval_issues_within_quota(session, client, shop) -> None:
    shop["product"].auto_approve_batches = True
    await session.flush()
    batch = (await request(client, shop)).json()
    assert batch["status"] == "issued" and await label_count(session, batch["id"]) == 20


async def test_over_quota_is_refused_with_the_numbers(session, client, shop) -> None:
    shop["licence"].production_area_mu = Decimal("2")  # 2 mu × 250 kg ÷ 0.5 kg = 1000 labels
    await session.flush()
    await factories.batch(session, shop["licence"], quantity=990)
    refused = await request(client, shop, quantity=11)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "quota_exceeded"
    assert (problem["quota"], problem["used"], problem["requested"], problem["remaining"]) == (
        1000,
        990,
        11,
        10,
    )
    assert (await request(client, shop, key="k-2", quantity=10)).status_code == 201


async def test_only_an_active_licence_may_request(session, client, shop) -> None:
    from app.licence.models import LicenceStatus

    shop["licence"].status = LicenceStatus.SUSPENDED
    await session.flush()
    refused = await request(client, shop)
    assert refused.status_code == 409 and refused.json()["current_state"] == "suspended"


async def test_idempotency_key_cases(session, client, shop) -> None:
    missing = await request(client, shop, key=None)
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_missing"

    first = await request(client, shop, key="same")
    replay = await request(client, shop, key="same")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    batches = await session.scalar(
        select(func.count())
        .select_from(LabelBatch)
        .where(LabelBatch.licence_id == shop["licence"].id)
    )
    assert batches == 1

    other_body = await request(client, shop, key="same", quantity=21)
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency_key_reused"

    # keys are per licensee: another enterprise may use the same key for its own request
    company = await factories.enterprise(session)
    licence = await factories.licence(session, company.id, shop["product"].id)
    other = await factories.auth_headers(session, client, Role.LICENSEE, company.id)
    theirs = await client.post(
        "/api/v1/batches", json=batch_body(licence.id), headers=other | {"Idempotency-Key": "same"}
    )
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]


async def test_a_failed_request_does_not_burn_its_key(client, shop) -> None:
    failed = await request(client, shop, key="retry-me", quantity=10_000_000)
    assert failed.status_code == 409
    assert (await request(client, shop, key="retry-me")).status_code == 201


async def test_licensee_isolation_on_batches_and_labels(session, client, shop) -> None:
    company = await factories.enterprise(session)
    licence = await factories.licence(session, company.id, shop["product"].id)
    theirs = await factories.batch(session, licence)
    (label,) = await factories.labels(session, theirs, ["0" * 20])
    me = shop["licensee"]
    assert (await client.get(f"/api/v1/batches/{theirs.id}", headers=me)).status_code == 404
    assert (
        await client.get(f"/api/v1/batches/{theirs.id}/reconciliation", headers=me)
    ).status_code == 404
    assert theirs.id not in [
        b["id"] for b in (await client.get("/api/v1/batches", headers=me)).json()["items"]
    ]
    assert (await client.get(f"/api/v1/labels/{label.code}", headers=me)).status_code == 404
    void = await client.post(
        "/api/v1/labels/void", json={"codes": [label.code], "reason": "破损"}, headers=me
    )
    assert void.status_code == 404
    request_for_theirs = await client.post(
        "/api/v1/batches", json=batch_body(licence.id), headers=me | {"Idempotency-Key": "x"}
    )
    assert request_for_theirs.status_code == 404
    assert (
        await client.get(f"/api/v1/batches/{theirs.id}", headers=shop["regulator"])
    ).status_code == 200


@pytest.mark.parametrize("field", ["quantity", "production_date", "lot_number"])
async def test_bad_batch_fields_are_named(client, shop, field) -> None:
    bad = {"quantity": 0, "production_date": "2999-01-01", "lot_number": "has space"}[field]
    response = await request(client, shop, **{field: bad})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == f"body.{field}"


async def test_batch_list_pages_like_every_list(session, client, shop) -> None:
    me = shop["licensee"]
    for n in range(5):
        await factories.batch(session, shop["licence"], lot_number=f"PAGE-{n}")
    everything = (await client.get("/api/v1/batches", headers=me)).json()
    total = everything["total"]
    assert total >= 5 and len(everything["items"]) == total and everything["limit"] == 50
    first = (await client.get("/api/v1/batches", params={"limit": 2}, headers=me)).json()
    second = await client.get("/api/v1/batches", params={"limit": 2, "offset": 2}, headers=me)
    assert [b["id"] for b in first["items"] + second.json()["items"]] == [
        b["id"] for b in everything["items"][:4]
    ]
    assert first["total"] == total and second.json()["offset"] == 2
    too_big = await client.get("/api/v1/batches", params={"limit": 201}, headers=me)
    assert too_big.status_code == 422
    assert too_big.headers["content-type"] == "application/problem+json"


async def test_a_decision_takes_a_reason_into_the_ledger(session, client, shop) -> None:
    """Approve with or without a body (older clients send none); reject needs its reason."""
    regulator = shop["regulator"]
    bodyless = (await request(client, shop, key="r-1", lot_number="R-1")).json()
    approved = await client.post(f"/api/v1/batches/{bodyless['id']}/approve", headers=regulator)
    assert approved.status_code == 200 and approved.json()["status"] == "issued"

    reasons = {"approve": "产地证明齐全", "reject": "批次号与生产记录不符"}
    for n, (action, reason) in enumerate(reasons.items()):
        batch = (await request(client, shop, key=f"r-{n + 2}", lot_number=f"R-{n + 2}")).json()
        url = f"/api/v1/batches/{batch['id']}/{action}"
        decided = await client.post(url, json={"reason": reason}, headers=regulator)
        assert decided.status_code == 200 and decided.json()["decision_reason"] == reason
        event = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.object_id == str(batch["id"]), AuditEvent.action == f"batch.{action}"
            )
        )
        assert event is not None and event.reason == reason


async def test_a_server_can_cap_a_batchs_quantity(session, client, shop, app) -> None:
    # The fuzzing server (scripts/fuzz) sets the cap low so fuzzed requests issue few labels.
    app.state.settings = app.state.settings.model_copy(update={"max_batch_quantity": 10})
    refused = await request(client, shop, quantity=11)
    assert refused.status_code == 422 and "at most 10 labels" in refused.json()["detail"]
    assert await session.scalar(select(func.count()).select_from(LabelBatch)) == 0
    assert (await request(client, shop, key="k-2", quantity=10)).status_code == 201
