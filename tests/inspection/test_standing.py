"""A batch's standing after a failed inspection: clear or recall, and the public verdict of
each state."""

from inspection_fixtures import inspection_body, verdict_of
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.notices import PublicNotice

REASON = {
    "reason": "复检确认不合格",
    "legal_basis": "《地理标志产品保护办法》第二十一条",
    "case_number": "五市监〔2026〕12号",
}


async def fail(client, gi, report: str = "F-1") -> None:
    body = inspection_body(gi["batch"].id, report, moisture="10.2")
    response = await client.post("/api/v1/inspections", json=body, headers=gi["as_inspector"])
    assert response.json()["batch_status"] == "suspended"


async def test_clear_returns_a_suspended_batch_to_good_standing(session, client, gi) -> None:
    await fail(client, gi)
    batch_id, headers = gi["batch"].id, gi["as_regulator"]
    cleared = await client.post(
        f"/api/v1/batches/{batch_id}/clear",
        json={"reason": "抽样程序有误，复检合格"},
        headers=headers,
    )
    assert cleared.status_code == 200 and cleared.json()["kind"] == "clear"
    assert await verdict_of(client, gi["codes"][0]) == "genuine"
    again = await client.post(
        f"/api/v1/batches/{batch_id}/clear", json={"reason": "again"}, headers=headers
    )
    assert again.status_code == 409 and again.json()["current_state"] == "issued"


async def test_recall_is_irreversible_and_published(session, client, gi) -> None:
    await fail(client, gi)
    batch_id, headers = gi["batch"].id, gi["as_regulator"]
    recalled = await client.post(f"/api/v1/batches/{batch_id}/recall", json=REASON, headers=headers)
    assert recalled.status_code == 200, recalled.text
    assert [await verdict_of(client, c) for c in gi["codes"]] == ["recalled"] * 3
    for action, body in (
        ("clear", {"reason": "改判"}),
        ("suspend", {"reason": "再次暂停"}),
        ("recall", REASON),
    ):
        refused = await client.post(
            f"/api/v1/batches/{batch_id}/{action}", json=body, headers=headers
        )
        assert refused.status_code == 409 and refused.json()["current_state"] == "recalled"
    revoke = {"scope": "batch", "batch_id": batch_id} | REASON
    refused = await client.post("/api/v1/revocations", json=revoke, headers=headers)
    assert refused.status_code == 409
    shown = (await client.get(f"/api/v1/verify/{gi['codes'][0]}")).json()
    linked = (await client.get(shown["notice_url"].replace("/public/", "/api/v1/public/"))).json()
    assert [n["kind"] for n in linked["items"]] == ["recall"]
    page = await client.get(f"/v/{gi['codes'][0]}")
    assert "查看监管公示" in page.text
    notice = await session.scalar(select(PublicNotice).where(PublicNotice.kind == "recall"))
    assert notice.case_number == REASON["case_number"] and notice.lot_number == "WY-2026-001"
    measures = await client.get(f"/api/v1/batches/{batch_id}/measures", headers=gi["as_licensee"])
    assert [m["kind"] for m in measures.json()] == ["suspend", "recall"]


async def test_recall_needs_a_suspension_first(client, gi) -> None:
    response = await client.post(
        f"/api/v1/batches/{gi['batch'].id}/recall", json=REASON, headers=gi["as_regulator"]
    )
    assert response.status_code == 409 and response.json()["current_state"] == "issued"


async def test_a_regulator_may_suspend_by_hand_and_every_act_is_audited(
    session, client, gi
) -> None:
    batch_id, headers = gi["batch"].id, gi["as_regulator"]
    suspended = await client.post(
        f"/api/v1/batches/{batch_id}/suspend", json={"reason": "多起消费者举报"}, headers=headers
    )
    assert suspended.status_code == 200
    assert await verdict_of(client, gi["codes"][1]) == "suspended"
    await client.post(
        f"/api/v1/batches/{batch_id}/clear", json={"reason": "查无实据"}, headers=headers
    )
    actions = list(
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "label_batch")
            .order_by(AuditEvent.seq)
        )
    )
    assert actions == ["batch.suspend", "batch.clear"]


async def test_licensees_and_inspectors_cannot_change_standing(session, client, gi) -> None:
    for headers in (gi["as_licensee"], gi["as_inspector"]):
        response = await client.post(
            f"/api/v1/batches/{gi['batch'].id}/suspend", json={"reason": "x" * 5}, headers=headers
        )
        assert response.status_code == 403


async def test_a_suspended_licence_suspends_its_labels_until_reinstated(client, gi) -> None:
    url, headers = f"/api/v1/licences/{gi['licence'].id}", gi["as_regulator"]
    assert await verdict_of(client, gi["codes"][0]) == "genuine"
    response = await client.post(f"{url}/suspend", json={"reason": "整改期间"}, headers=headers)
    assert response.status_code == 200, response.text
    assert await verdict_of(client, gi["codes"][0]) == "suspended"
    await client.post(f"{url}/reinstate", json={"reason": "整改完成"}, headers=headers)
    assert await verdict_of(client, gi["codes"][0]) == "genuine"
