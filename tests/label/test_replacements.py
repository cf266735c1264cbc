"""Replacement labels for voided ones (issue 12): a new batch linked to the voided codes it
replaces, counted against the quota, approved like any request, each code replaced once."""

from decimal import Decimal

import factories
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.principal import Role


async def _voided_batch(session, client, shop, quantity=10, voided=3):
    batch = await factories.batch(session, shop["licence"], quantity=quantity)
    codes = [f"R{batch.id:03d}{i:016d}" for i in range(quantity)]
    await factories.labels(session, batch, codes)
    body = {"codes": codes[:voided], "reason": "印刷错误"}
    answer = await client.post("/api/v1/labels/void", json=body, headers=shop["licensee"])
    assert answer.status_code == 200
    return batch, codes


def _url(batch_id: int) -> str:
    return f"/api/v1/batches/{batch_id}/replacements"


async def test_all_voided_labels_make_a_requested_batch_linked_to_them(
    session, client, shop
) -> None:
    batch, codes = await _voided_batch(session, client, shop)
    me = shop["licensee"]
    made = await client.post(_url(batch.id), json={"all_voided": True}, headers=me)
    assert made.status_code == 201, made.text
    new = made.json()
    assert (new["status"], new["quantity"], new["licence_id"]) == ("requested", 3, batch.licence_id)
    assert new["lot_number"] == f"{batch.lot_number}-R1"
    assert (new["unit"], new["origin"]) == (batch.unit, batch.origin)

    original = (await client.get(_url(batch.id), headers=me)).json()
    assert original["replaced_by"] == [
        {"batch_id": new["id"], "lot_number": new["lot_number"], "status": "requested", "count": 3}
    ]
    assert original["voided_not_replaced"] == 0
    linked = (await client.get(_url(new["id"]), headers=me)).json()
    assert linked["replaces"]["batch_id"] == batch.id
    assert sorted(linked["replaced_codes"]) == sorted(codes[:3])

    recon = await client.get(f"/api/v1/batches/{batch.id}/reconciliation", headers=me)
    assert (recon.json()["voided"], recon.json()["voided_replaced"]) == (3, 3)

    # The regulator approves it like any request; its labels are new codes.
    approved = await client.post(
        f"/api/v1/batches/{new['id']}/approve", json={}, headers=shop["regulator"]
    )
    assert approved.status_code == 200 and approved.json()["status"] == "issued"


async def test_a_voided_code_is_replaced_once(session, client, shop) -> None:
    batch, codes = await _voided_batch(session, client, shop)
    me = shop["licensee"]
    first = await client.post(_url(batch.id), json={"codes": codes[:1]}, headers=me)
    assert first.status_code == 201
    again = await client.post(_url(batch.id), json={"codes": codes[:2]}, headers=me)
    assert again.status_code == 409 and again.json()["code"] == "already_replaced"
    assert again.json()["codes"] == [codes[0]]
    assert again.json()["replacement_batch_ids"] == [first.json()["id"]]
    # The rest are still open; "all voided" takes only those, under the next lot.
    rest = await client.post(_url(batch.id), json={"all_voided": True}, headers=me)
    assert rest.status_code == 201 and rest.json()["quantity"] == 2
    assert rest.json()["lot_number"] == f"{batch.lot_number}-R2"
    none_left = await client.post(_url(batch.id), json={"all_voided": True}, headers=me)
    assert none_left.status_code == 409 and none_left.json()["code"] == "labels_not_replaceable"
    # A replaced label stays void.
    undo = await client.post("/api/v1/labels/unvoid", json={"codes": codes[:1]}, headers=me)
    assert undo.status_code == 409 and "replaced" in undo.json()["detail"]


async def test_only_voided_labels_are_replaced(session, client, shop) -> None:
    batch, codes = await _voided_batch(session, client, shop)
    answer = await client.post(_url(batch.id), json={"codes": [codes[5]]}, headers=shop["licensee"])
    assert answer.status_code == 409 and answer.json()["code"] == "labels_not_replaceable"
    both = await client.post(
        _url(batch.id), json={"codes": codes[:1], "all_voided": True}, headers=shop["licensee"]
    )
    assert both.status_code == 422


async def test_a_rejected_replacement_releases_its_codes(session, client, shop) -> None:
    batch, _codes = await _voided_batch(session, client, shop)
    me = shop["licensee"]
    first = (await client.post(_url(batch.id), json={"all_voided": True}, headers=me)).json()
    refused = await client.post(
        f"/api/v1/batches/{first['id']}/reject",
        json={"reason": "数量不符"},
        headers=shop["regulator"],
    )
    assert refused.status_code == 200
    again = await client.post(_url(batch.id), json={"all_voided": True}, headers=me)
    assert again.status_code == 201 and again.json()["quantity"] == 3


async def test_the_replacement_is_counted_against_the_quota(session, client, shop) -> None:
    # 0.03 mu × 250 kg/mu ÷ 0.5 kg = 15 labels this season.
    licence = await factories.licence(
        session, shop["company"].id, shop["product"].id, production_area_mu=Decimal("0.03")
    )
    me = shop["licensee"]
    batch = await factories.batch(session, licence, quantity=10)
    codes = [f"Q{batch.id:03d}{i:016d}" for i in range(10)]
    await factories.labels(session, batch, codes)
    await client.post("/api/v1/labels/void", json={"codes": codes, "reason": "受潮"}, headers=me)
    over = await client.post(_url(batch.id), json={"all_voided": True}, headers=me)
    assert over.status_code == 409 and over.json()["code"] == "quota_exceeded"
    assert (over.json()["remaining"], over.json()["requested"]) == (5, 10)
    within = await client.post(_url(batch.id), json={"codes": codes[:5]}, headers=me)
    assert within.status_code == 201
    quota = await client.get(f"/api/v1/licences/{licence.id}/quota", headers=me)
    assert (quota.json()["used"], quota.json()["remaining"]) == (15, 0)


async def test_another_enterprises_batch_and_codes_are_not_found(session, client, shop) -> None:
    batch, codes = await _voided_batch(session, client, shop)
    other = await factories.enterprise(session, name="别家公司")
    await factories.licence(session, other.id, shop["product"].id)
    stranger = await factories.auth_headers(session, client, Role.LICENSEE, other.id)
    answer = await client.post(_url(batch.id), json={"all_voided": True}, headers=stranger)
    assert answer.status_code == 404
    assert (await client.get(_url(batch.id), headers=stranger)).status_code == 404

    # The stranger's own batch, naming our voided codes: not among its labels.
    theirs = await factories.batch(
        session, await factories.licence(session, other.id, shop["product"].id)
    )
    named = await client.post(_url(theirs.id), json={"codes": codes[:1]}, headers=stranger)
    assert named.status_code == 404
    # Staff read replacements but do not request them.
    staff = await client.post(_url(batch.id), json={"all_voided": True}, headers=shop["regulator"])
    assert staff.status_code == 403


async def test_the_request_is_audited_on_the_original_batch(session, client, shop) -> None:
    batch, codes = await _voided_batch(session, client, shop)
    made = await client.post(_url(batch.id), json={"all_voided": True}, headers=shop["licensee"])
    events = list(
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "label_batch",
                AuditEvent.object_id == str(batch.id),
                AuditEvent.action == "batch.replace",
            )
        )
    )
    assert len(events) == 1
    assert events[0].after["replacement_batch_id"] == made.json()["id"]
    assert sorted(events[0].after["codes"]) == sorted(codes[:3])
