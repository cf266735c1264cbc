from datetime import timedelta

import factories

from app.core.principal import Role
from app.core.time import utcnow
from app.label.models import LabelStatus


async def test_void_and_undo_by_the_same_actor(session, client, shop) -> None:
    batch = await factories.batch(session, shop["licence"])
    labels = await factories.labels(session, batch, [f"V{i:019d}" for i in range(3)])
    codes = [label.code for label in labels]
    me = shop["licensee"]
    voided = await client.post(
        "/api/v1/labels/void", json={"codes": codes[:2], "reason": "印刷错误"}, headers=me
    )
    assert voided.status_code == 200 and sorted(voided.json()["changed"]) == sorted(codes[:2])
    again = await client.post(
        "/api/v1/labels/void", json={"codes": codes[:1], "reason": "x2"}, headers=me
    )
    assert again.status_code == 422 and again.json()["code"] == "labels_not_voidable"

    colleague = await factories.auth_headers(session, client, Role.LICENSEE, shop["company"].id)
    refused = await client.post(
        "/api/v1/labels/unvoid", json={"codes": codes[:1]}, headers=colleague
    )
    assert refused.status_code == 409 and refused.json()["code"] == "undo_not_allowed"
    undone = await client.post("/api/v1/labels/unvoid", json={"codes": codes[:1]}, headers=me)
    assert undone.status_code == 200
    recon = (await client.get(f"/api/v1/batches/{batch.id}/reconciliation", headers=me)).json()
    assert (recon["active"], recon["voided"]) == (2, 1)


async def test_undo_window_is_ten_days(session, client, shop) -> None:
    batch = await factories.batch(session, shop["licence"])
    (label,) = await factories.labels(session, batch, ["W" * 19 + "0"])
    me = shop["licensee"]
    await client.post(
        "/api/v1/labels/void", json={"codes": [label.code], "reason": "破损"}, headers=me
    )
    await session.refresh(label)
    label.status_changed_at = utcnow() - timedelta(days=10, minutes=1)
    await session.flush()
    late = await client.post("/api/v1/labels/unvoid", json={"codes": [label.code]}, headers=me)
    assert late.status_code == 409
    await session.refresh(label)
    assert label.status is LabelStatus.VOID


async def _batch_events(client, headers, batch_id: int, action: str) -> list[dict]:
    params = {"object_type": "label_batch", "object_id": str(batch_id), "action": action}
    return (await client.get("/api/v1/audit/events", params=params, headers=headers)).json()[
        "items"
    ]


async def test_voiding_codes_of_several_batches_audits_each_batch(session, client, shop) -> None:
    first = await factories.batch(session, shop["licence"])
    second = await factories.batch(session, shop["licence"])
    a = await factories.labels(session, first, ["A" * 19 + "0", "A" * 19 + "1"])
    b = await factories.labels(session, second, ["B" * 19 + "0"])
    codes = [label.code for label in a + b]
    me, regulator = shop["licensee"], shop["regulator"]
    voided = await client.post(
        "/api/v1/labels/void", json={"codes": codes, "reason": "印刷错误"}, headers=me
    )
    assert voided.status_code == 200
    for batch, labels in ((first, a), (second, b)):
        (event,) = await _batch_events(client, regulator, batch.id, "label.void")
        assert sorted(event["after"]["codes"]) == sorted(label.code for label in labels)
        assert event["reason"] == "印刷错误"

    undone = await client.post("/api/v1/labels/unvoid", json={"codes": codes}, headers=me)
    assert undone.status_code == 200
    (event,) = await _batch_events(client, regulator, second.id, "label.unvoid")
    assert event["after"]["codes"] == [b[0].code]
