"""Revocations of a batch, of single labels and of a withdrawn licence's labels; reversal;
each with its public verdict, audit event and notice."""

import factories
import pytest
from inspection_fixtures import verdict_of
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.notices import PublicNotice
from app.core.principal import Role
from app.label.code import format_grouped

GROUNDS = {
    "reason": "冒用他人许可编号",
    "legal_basis": "《商标法》第五十七条",
    "case_number": "五市监罚〔2026〕31号",
}


async def revoke(client, gi, **target):
    return await client.post(
        "/api/v1/revocations", json=target | GROUNDS, headers=gi["as_regulator"]
    )


async def test_revoking_a_batch_and_reversing_it(session, client, gi) -> None:
    assert await verdict_of(client, gi["codes"][0]) == "genuine"
    response = await revoke(client, gi, scope="batch", batch_id=gi["batch"].id)
    assert response.status_code == 201, response.text
    revocation = response.json()
    assert revocation["label_count"] == 3 and revocation["case_number"] == GROUNDS["case_number"]
    assert [await verdict_of(client, c) for c in gi["codes"]] == ["revoked"] * 3
    recon_url = f"/api/v1/batches/{gi['batch'].id}/reconciliation"
    recon = (await client.get(recon_url, headers=gi["as_licensee"])).json()
    assert recon["batch_status"] == "revoked" and recon["active"] == 3  # labels keep their own
    again = await revoke(client, gi, scope="batch", batch_id=gi["batch"].id)
    assert again.status_code == 409 and again.json()["current_state"] == "revoked"

    url = f"/api/v1/revocations/{revocation['id']}/reverse"
    reversed_ = await client.post(url, json={"reason": "案件撤销"}, headers=gi["as_regulator"])
    assert reversed_.status_code == 200 and reversed_.json()["reversed_at"]
    assert await verdict_of(client, gi["codes"][0]) == "genuine"
    twice = await client.post(url, json={"reason": "再次"}, headers=gi["as_regulator"])
    assert twice.status_code == 409
    kinds = set(await session.scalars(select(PublicNotice.kind)))
    assert kinds == {"revocation", "revocation_reversed"}
    actions = set(await session.scalars(select(AuditEvent.action)))
    assert {"revocation.batch", "batch.revoke", "revocation.reverse", "batch.unrevoke"} <= actions


async def test_revoking_single_labels_by_code(session, client, gi) -> None:
    first, second, third = gi["codes"]
    typed = [format_grouped(first).lower(), second.replace("", " ").strip()]
    response = await revoke(client, gi, scope="labels", codes=typed)
    assert response.status_code == 201, response.text
    assert response.json()["label_count"] == 2 and response.json()["batch_id"] == gi["batch"].id
    assert [await verdict_of(client, c) for c in gi["codes"]] == ["revoked", "revoked", "genuine"]
    for code in (first, second):
        shown = (await client.get(f"/api/v1/verify/{code}", params={"lang": "en"})).json()
        api = shown["notice_url"].replace("/public/", "/api/v1/public/")
        linked = (await client.get(api)).json()["items"]
        assert [(n["kind"], n["case_number"]) for n in linked] == [
            ("revocation", GROUNDS["case_number"])
        ]
    assert (await client.get(f"/api/v1/verify/{third}")).json()["notice_url"] is None
    nothing_left = await revoke(client, gi, scope="labels", codes=[first])
    assert nothing_left.status_code == 409

    url = f"/api/v1/revocations/{response.json()['id']}/reverse"
    await client.post(url, json={"reason": "误撤销"}, headers=gi["as_regulator"])
    assert await verdict_of(client, first) == "genuine"


async def test_bad_code_lists_are_refused_and_change_nothing(session, client, gi, codec) -> None:
    malformed = await revoke(client, gi, scope="labels", codes=[gi["codes"][0], "NOT-A-CODE"])
    assert malformed.status_code == 422 and malformed.json()["codes"] == ["NOT-A-CODE"]
    unknown_code = codec.mint_many(1)[0]
    unknown = await revoke(client, gi, scope="labels", codes=[gi["codes"][0], unknown_code])
    assert unknown.status_code == 422 and unknown.json()["codes"] == [unknown_code]
    other_licence = await factories.licence(
        session, (await factories.enterprise(session)).id, gi["product"].id
    )
    other_batch = await factories.batch(session, other_licence)
    (foreign,) = await factories.labels(session, other_batch, codec.mint_many(1))
    mixed = await revoke(client, gi, scope="labels", codes=[gi["codes"][0], foreign.code])
    assert mixed.status_code == 422 and "one enterprise" in mixed.json()["detail"]
    assert await verdict_of(client, gi["codes"][0]) == "genuine"


@pytest.mark.parametrize(
    "body",
    [
        {"scope": "batch"},
        {"scope": "labels", "batch_id": 1},
        {"scope": "batch", "batch_id": 1, "codes": ["X"]},
        {"scope": "licence", "batch_id": 1},
    ],
)
async def test_the_target_must_match_the_scope(client, gi, body) -> None:
    response = await client.post(
        "/api/v1/revocations", json=body | GROUNDS, headers=gi["as_regulator"]
    )
    assert response.status_code == 422


async def test_grounds_are_required(client, gi) -> None:
    body = {"scope": "batch", "batch_id": gi["batch"].id, "reason": "冒用"}
    response = await client.post("/api/v1/revocations", json=body, headers=gi["as_regulator"])
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.legal_basis", "body.case_number"}


async def test_withdrawal_with_and_without_revoking_outstanding_labels(
    session, client, gi, codec
) -> None:
    headers = gi["as_regulator"]
    url = f"/api/v1/licences/{gi['licence'].id}/withdraw"
    response = await client.post(url, json=GROUNDS | {"revoke_labels": False}, headers=headers)
    assert response.status_code == 200 and response.json()["labels_revoked"] == 0
    assert await verdict_of(client, gi["codes"][0]) == "genuine_licence_withdrawn"
    notice = await session.scalar(
        select(PublicNotice).where(PublicNotice.kind == "licence_withdrawal")
    )
    assert notice.detail["outstanding_labels_stay_lawful"] is True

    other = await factories.licence(
        session, gi["company"].id, (await factories.product(session)).id
    )
    batch = await factories.batch(session, other)
    labels = await factories.labels(session, batch, codec.mint_many(2))
    url = f"/api/v1/licences/{other.id}/withdraw"
    response = await client.post(url, json=GROUNDS | {"revoke_labels": True}, headers=headers)
    assert response.json()["labels_revoked"] == 2
    assert [await verdict_of(client, label.code) for label in labels] == ["revoked", "revoked"]
    shown = (await client.get(f"/api/v1/verify/{labels[0].code}")).json()
    linked = (await client.get(shown["notice_url"].replace("/public/", "/api/v1/public/"))).json()
    assert [n["licence_number"] for n in linked["items"]] == [other.number]
    revoked_notice = await session.scalar(
        select(PublicNotice).where(PublicNotice.kind == "revocation")
    )
    assert revoked_notice.licence_number == other.number
    assert revoked_notice.detail["label_count"] == 2


async def test_only_regulators_revoke_and_licensees_see_their_own(session, client, gi) -> None:
    body = {"scope": "batch", "batch_id": gi["batch"].id} | GROUNDS
    for headers in (gi["as_licensee"], gi["as_inspector"]):
        response = await client.post("/api/v1/revocations", json=body, headers=headers)
        assert response.status_code == 403
    created = await revoke(client, gi, scope="batch", batch_id=gi["batch"].id)
    own = await client.get(f"/api/v1/revocations/{created.json()['id']}", headers=gi["as_licensee"])
    assert own.status_code == 200
    outsider = await factories.auth_headers(
        session, client, Role.LICENSEE, (await factories.enterprise(session)).id
    )
    hidden = await client.get(f"/api/v1/revocations/{created.json()['id']}", headers=outsider)
    assert hidden.status_code == 404
    assert (await client.get("/api/v1/revocations", headers=outsider)).json()["total"] == 0


async def test_reversing_a_batch_revocation_restores_its_suspension(client, gi) -> None:
    headers = gi["as_regulator"]
    batch_url = f"/api/v1/batches/{gi['batch'].id}"
    await client.post(f"{batch_url}/suspend", json={"reason": "举报核查"}, headers=headers)
    revoked = await revoke(client, gi, scope="batch", batch_id=gi["batch"].id)
    assert await verdict_of(client, gi["codes"][0]) == "revoked"
    url = f"/api/v1/revocations/{revoked.json()['id']}/reverse"
    assert (
        await client.post(url, json={"reason": "撤销决定被复议撤销"}, headers=headers)
    ).status_code == 200
    assert await verdict_of(client, gi["codes"][0]) == "suspended"
