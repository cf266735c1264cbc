"""Activation on the packing line (issue 15 point 2)."""

from __future__ import annotations

import factories
from packing_helpers import activate, codes_of, issue, verdict
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.principal import Role
from app.core.trust import current_epoch
from app.label.models import Label, LabelStatus


async def _events(session, action: str) -> list[AuditEvent]:
    return list(await session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


async def test_a_batch_of_a_product_requiring_activation_is_issued_inactive(
    session, client, line
) -> None:
    batch_id = await issue(client, line, quantity=5)
    codes = await codes_of(client, line, batch_id)
    assert len(codes) == 5  # the print file lists them: printed, not on sale
    statuses = set(await session.scalars(select(Label.status).where(Label.batch_id == batch_id)))
    assert statuses == {LabelStatus.INACTIVE}
    recon = await client.get(f"/api/v1/batches/{batch_id}/reconciliation", headers=line["licensee"])
    assert (recon.json()["inactive"], recon.json()["active"]) == (5, 0)
    page = await client.get(f"/v/{codes[0]}?lang=en")
    assert 'data-verdict="not_active"' in page.text and "not yet put on sale" in page.text.lower()
    assert "report it" in page.text
    zh = await client.get(f"/v/{codes[0]}?lang=zh")
    assert "尚未上市销售" in zh.text


async def test_a_licence_can_require_activation_where_its_product_does_not(
    session, client, line
) -> None:
    line["product"].requires_activation = False
    line["licence"].requires_activation = True
    await session.flush()
    codes = await codes_of(client, line, await issue(client, line, quantity=2))
    assert await verdict(client, codes[0]) == "not_active"


async def test_not_active_until_activated_then_genuine_and_a_leaked_csv_stays_not_active(
    session, client, line
) -> None:
    batch_id = await issue(client, line, quantity=10)
    leaked = await codes_of(client, line, batch_id)  # the file that went to the print shop
    for code in leaked:
        assert await verdict(client, code) == "not_active"
    # The line activates what it packed (serials 1-6); the rest of the print run stays behind.
    packed = leaked[:6]
    response = await activate(client, line, {"codes": packed}, "line-1")
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["requested"], result["changed"], result["unchanged"]) == (6, 6, 0)
    assert result["ranges"] == [
        {"batch_id": batch_id, "first_serial": 1, "last_serial": 6, "count": 6}
    ]
    for code in packed:
        assert await verdict(client, code) == "genuine"
    for code in leaked[6:]:
        assert await verdict(client, code) == "not_active"


async def test_a_checked_not_active_code_is_not_served_stale_after_activation(
    session, client, line, app
) -> None:
    codes = await codes_of(client, line, await issue(client, line, quantity=3))
    cache = app.state.verifier.cache
    epoch = await current_epoch(session)
    for _ in range(3):  # checked again and again while not active: never cached
        assert await verdict(client, codes[0]) == "not_active"
    assert codes[0] not in cache
    assert await verdict(client, codes[1]) == "not_active"
    await activate(client, line, {"codes": codes[:2]}, "line-2")
    assert await current_epoch(session) == epoch  # activation does not flush every cache
    assert await verdict(client, codes[0]) == "genuine"
    assert await verdict(client, codes[1]) == "genuine"
    assert codes[0] in cache  # a genuine answer is cached as ever


async def test_activation_is_idempotent_and_a_replay_records_nothing(session, client, line) -> None:
    codes = await codes_of(client, line, await issue(client, line, quantity=4))
    first = await activate(client, line, {"codes": codes}, "same-key")
    replay = await activate(client, line, {"codes": codes}, "same-key")
    assert replay.status_code == 200 and replay.json() == first.json()
    assert first.json()["changed"] == 4
    assert len(await _events(session, "label.activate")) == 1
    # Another key: re-activating active codes is a no-op that reports the counts.
    again = (await activate(client, line, {"codes": codes}, "other-key")).json()
    assert (again["changed"], again["unchanged"], again["refused"]) == (0, 4, {})
    reused = await activate(client, line, {"codes": codes[:1]}, "same-key")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    missing = await client.post(
        "/api/v1/labels/activate", json={"codes": codes}, headers=line["licensee"]
    )
    assert missing.status_code == 400


async def test_refusals_are_counted_with_their_reasons(session, client, line) -> None:
    batch_id = await issue(client, line, quantity=4)
    codes = await codes_of(client, line, batch_id)
    voided = await client.post(
        "/api/v1/labels/void",
        json={"codes": codes[:1], "reason": "印刷错误"},
        headers=line["licensee"],
    )
    assert voided.status_code == 200  # an inactive label can be voided
    rival_batch = await issue(client, line, quantity=1, lot="WY-2026-102")
    (theirs,) = await codes_of(client, line, rival_batch)
    # The rival licensee's line tries our codes: they read as unknown, and nothing changes.
    stolen = await activate(client, line, {"codes": codes[1:]}, "rival", who="rival")
    assert stolen.status_code == 200
    assert stolen.json()["refused"] == {"unknown": 3} and stolen.json()["changed"] == 0
    body = {"codes": [*codes, "NOT-A-CODE", theirs]}
    result = (await activate(client, line, body, "mixed")).json()
    assert result["changed"] == 4  # codes[1:] and our second batch's code
    assert result["refused"] == {"void": 1, "malformed": 1}
    assert {r["reason"] for r in result["refused_codes"]} == {"void", "malformed"}
    assert result["requested"] == 6


async def test_a_serial_range_and_the_limits_of_a_call(session, client, line) -> None:
    batch_id = await issue(client, line, quantity=10)
    codes = await codes_of(client, line, batch_id)
    body = {"batch_id": batch_id, "first_serial": 3, "last_serial": 7}
    result = (await activate(client, line, body, "range")).json()
    assert (result["requested"], result["changed"]) == (5, 5)
    assert [await verdict(client, code) for code in codes[1:8]] == ["not_active"] + [
        "genuine"
    ] * 5 + ["not_active"]
    too_many = {"codes": codes * 1001}  # 10,010 codes
    assert (await activate(client, line, too_many, "big")).status_code == 422
    both = {"codes": codes, "batch_id": batch_id, "first_serial": 1, "last_serial": 2}
    assert (await activate(client, line, both, "both")).status_code == 422
    backwards = {"batch_id": batch_id, "first_serial": 5, "last_serial": 2}
    assert (await activate(client, line, backwards, "back")).status_code == 422
    foreign = await activate(client, line, body, "foreign", who="rival")
    assert foreign.status_code == 404


async def test_deactivation_and_reactivation_are_audited_one_event_per_call(
    session, client, line
) -> None:
    codes = await codes_of(client, line, await issue(client, line, quantity=6))
    await activate(client, line, {"codes": codes}, "on")
    assert await verdict(client, codes[0]) == "genuine"  # cached now
    epoch = await current_epoch(session)
    body = {"codes": codes[:2], "reason": "装错箱，退回"}
    off = await activate(client, line, body, "off", path="deactivate")
    assert off.status_code == 200 and off.json()["changed"] == 2
    assert await current_epoch(session) > epoch  # genuine -> not_active: caches must drop
    assert await verdict(client, codes[0]) == "not_active"
    no_reason = await activate(client, line, {"codes": codes[:2]}, "x", path="deactivate")
    assert no_reason.status_code == 422
    again = (await activate(client, line, {"codes": codes[:2]}, "on-again")).json()
    assert again["changed"] == 2
    assert await verdict(client, codes[0]) == "genuine"
    (deactivated,) = await _events(session, "label.deactivate")
    assert deactivated.reason == "装错箱，退回"
    assert deactivated.after["changed"] == 2 and deactivated.after["target"] == {"codes": 2}
    activations = await _events(session, "label.activate")
    assert [e.after["changed"] for e in activations] == [6, 2]
    assert all(e.object_type == "enterprise" for e in activations)
    labels = list(await session.scalars(select(Label).where(Label.code.in_(codes[:2]))))
    assert all(label.activated_at is not None for label in labels)


async def test_a_product_not_requiring_activation_is_issued_active_and_cannot_deactivate(
    session, client, line
) -> None:
    line["product"].requires_activation = False
    await session.flush()
    codes = await codes_of(client, line, await issue(client, line, quantity=2))
    assert await verdict(client, codes[0]) == "genuine"
    body = {"codes": codes, "reason": "试一试"}
    result = (await activate(client, line, body, "no", path="deactivate")).json()
    assert result["refused"] == {"activation_not_required": 2} and result["changed"] == 0


async def test_only_a_licensee_activates(session, client, line) -> None:
    response = await activate(client, line, {"codes": ["X"]}, "k", who="regulator")
    assert response.status_code == 403


async def test_the_product_flag_is_read_and_written_through_the_api(session, client, line) -> None:
    url = f"/api/v1/products/{line['product'].id}"
    shown = (await client.get(url, headers=line["regulator"])).json()
    assert shown["requires_activation"] is True
    body = {k: v for k, v in shown.items() if k not in ("id", "code", "has_artwork", "gtin")}
    body["test_items"] = [
        {k: v for k, v in item.items() if k not in ("id", "retired_at")}
        for item in shown["test_items"]
    ]
    body["requires_activation"] = False
    # the product register is the agriculture bureau's and the market regulators' (issue 14)
    bureau = await factories.organisation(session, factories.OrgKind.AGRICULTURE)
    keeper = await factories.auth_headers(
        session, client, Role.REGULATOR, organisation_id=bureau.id
    )
    changed = await client.put(url, json=body, headers=keeper)
    assert changed.status_code == 200, changed.text
    assert changed.json()["requires_activation"] is False
    codes = await codes_of(client, line, await issue(client, line, quantity=1))
    assert await verdict(client, codes[0]) == "genuine"
