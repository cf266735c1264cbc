"""Aggregation (issue 15 point 3): units in cartons, cartons on pallets, and what a carton's
code does: its scan summarises its contents; activating, revoking or recalling it reaches every
unit."""

from __future__ import annotations

from packing_helpers import activate, codes_of, issue, verdict
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.label.models import BatchStatus, LabelBatch, LabelStatus
from app.packing.codes import is_sscc, package_code

GROUNDS = {
    "reason": "冒用他人许可编号",
    "legal_basis": "《商标法》第五十七条",
    "case_number": "五市监罚〔2026〕31号",
}
SSCC = "106141411234567897"  # GS1's example body 0 614141 123456789, check digit 7


async def _package(client, line, kind: str = "carton", code: str | None = None) -> str:
    body = {"kind": kind} | ({"code": code} if code else {})
    response = await client.post("/api/v1/packages", json=body, headers=line["licensee"])
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


async def _pack(client, line, package: str, codes: list[str]) -> dict:
    response = await client.post(
        f"/api/v1/packages/{package}/pack", json={"codes": codes}, headers=line["licensee"]
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_sscc_check_digit() -> None:
    assert is_sscc(SSCC) and not is_sscc(SSCC[:-1] + "8") and not is_sscc("12345")
    assert package_code(f"(00) {SSCC}") == SSCC


async def test_activating_a_carton_activates_every_unit_in_it(session, client, line) -> None:
    batch_id = await issue(client, line, quantity=10)
    codes = await codes_of(client, line, batch_id)
    carton = await _package(client, line)
    packed = await _pack(client, line, carton, codes[:8])
    assert packed["changed"] == 8
    assert (await _pack(client, line, carton, codes[:8]))["unchanged"] == 8  # no-op, counted
    result = (await activate(client, line, {"package": carton}, "carton-1")).json()
    assert (result["requested"], result["changed"]) == (8, 8)
    for code in codes[:8]:
        assert await verdict(client, code) == "genuine"
    for code in codes[8:]:
        assert await verdict(client, code) == "not_active"


async def test_a_carton_scan_shows_its_contents(session, client, line) -> None:
    codes = await codes_of(client, line, await issue(client, line, quantity=6))
    carton = await _package(client, line, code=SSCC)
    assert carton == SSCC
    await _pack(client, line, carton, codes)
    await activate(client, line, {"codes": codes[:4]}, "four")
    answer = (await client.get(f"/api/v1/verify/{carton}?lang=en")).json()
    assert answer["verdict"] == "not_active"  # the gravest of its units'
    assert answer["package"] == {
        "code": SSCC,
        "kind": "carton",
        "units": 6,
        "verdicts": {"genuine": 4, "not_active": 2},
    }
    assert "4 genuine, 2 not active" in answer["reason"]
    await activate(client, line, {"codes": codes[4:]}, "rest")
    page = await client.get(f"/v/{carton}?lang=zh")
    assert 'data-verdict="genuine"' in page.text and "6 件真品" in page.text
    # A minted gimark carton code answers the same way; a bad SSCC check digit stays malformed.
    minted = await _package(client, line)
    await _pack(
        client, line, minted, await codes_of(client, line, await issue(client, line, 1, "WY-9"))
    )
    assert (await client.get(f"/api/v1/verify/{minted}")).json()["package"]["units"] == 1
    bad = await client.get(f"/api/v1/verify/{SSCC[:-1]}8")
    assert bad.json()["verdict"] == "malformed" and bad.json()["package"] is None


async def test_pallets_hold_cartons_and_a_pallet_activates_all_their_units(
    session, client, line
) -> None:
    codes = await codes_of(client, line, await issue(client, line, quantity=6))
    first, second = await _package(client, line), await _package(client, line)
    await _pack(client, line, first, codes[:3])
    await _pack(client, line, second, codes[3:5])
    pallet = await _package(client, line, kind="pallet")
    stacked = await _pack(client, line, pallet, [first, second, "123"])
    assert stacked["changed"] == 2 and stacked["refused"] == {"malformed": 1}
    read = await client.get(f"/api/v1/packages/{pallet}", headers=line["licensee"])
    assert (read.json()["units"], read.json()["cartons"]) == (5, 2)
    result = (await activate(client, line, {"package": pallet}, "pallet")).json()
    assert result["changed"] == 5
    assert await verdict(client, codes[5]) == "not_active"
    summary = (await client.get(f"/api/v1/verify/{pallet}")).json()
    assert summary["package"]["verdicts"] == {"genuine": 5}
    # Unpacking: a carton off the pallet, a unit out of a carton (audited, one event each).
    off = await client.post(
        f"/api/v1/packages/{pallet}/unpack", json={"codes": [second]}, headers=line["licensee"]
    )
    assert off.json()["changed"] == 1
    out = await client.post(
        f"/api/v1/packages/{first}/unpack", json={"codes": codes[:1]}, headers=line["licensee"]
    )
    assert out.json()["changed"] == 1
    read = await client.get(f"/api/v1/packages/{pallet}", headers=line["licensee"])
    assert read.json()["units"] == 2
    events = await session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("package.%"))
    )
    assert sorted(events).count("package.unpack") == 2


async def test_a_unit_is_in_one_carton_and_only_its_owner_packs_it(session, client, line) -> None:
    codes = await codes_of(client, line, await issue(client, line, quantity=3))
    first, second = await _package(client, line), await _package(client, line)
    await _pack(client, line, first, codes)
    again = await _pack(client, line, second, codes)
    assert again["refused"] == {"in_another_package": 3} and again["changed"] == 0
    theirs = await client.post(
        f"/api/v1/packages/{first}/pack", json={"codes": codes}, headers=line["rival"]
    )
    assert theirs.status_code == 404
    rival_carton = await client.post(
        "/api/v1/packages", json={"kind": "carton"}, headers=line["rival"]
    )
    stolen = await client.post(
        f"/api/v1/packages/{rival_carton.json()['code']}/pack",
        json={"codes": codes},
        headers=line["rival"],
    )
    assert stolen.json()["refused"] == {"unknown": 3}
    taken = await client.post(
        "/api/v1/packages", json={"kind": "carton", "code": SSCC}, headers=line["licensee"]
    )
    assert taken.status_code == 201
    twice = await client.post(
        "/api/v1/packages", json={"kind": "carton", "code": SSCC}, headers=line["licensee"]
    )
    assert twice.status_code == 409
    bad = await client.post(
        "/api/v1/packages",
        json={"kind": "carton", "code": "106141411234567890"},
        headers=line["licensee"],
    )
    assert bad.status_code == 422


async def test_revoking_a_carton_revokes_every_unit_active_or_not(session, client, line) -> None:
    codes = await codes_of(client, line, await issue(client, line, quantity=5))
    carton = await _package(client, line)
    await _pack(client, line, carton, codes[:4])
    await activate(client, line, {"codes": codes[:2]}, "two")
    response = await client.post(
        "/api/v1/revocations",
        json={"scope": "labels", "package": carton} | GROUNDS,
        headers=line["regulator"],
    )
    assert response.status_code == 201, response.text
    assert response.json()["label_count"] == 4
    for code in codes[:4]:
        assert await verdict(client, code) == "revoked"
    assert await verdict(client, codes[4]) == "not_active"
    # Activating a revoked unit is refused; reversing the revocation restores each as it was.
    refused = (await activate(client, line, {"package": carton}, "after")).json()
    assert refused["refused"] == {"revoked": 4}
    reversed_ = await client.post(
        f"/api/v1/revocations/{response.json()['id']}/reverse",
        json={"reason": "错误撤销"},
        headers=line["regulator"],
    )
    assert reversed_.status_code == 200
    assert [await verdict(client, code) for code in codes[:4]] == [
        "genuine",
        "genuine",
        "not_active",
        "not_active",
    ]


async def test_recalling_a_carton_recalls_its_lots_and_reaches_every_unit(
    session, client, line
) -> None:
    first_batch = await issue(client, line, quantity=3)
    second_batch = await issue(client, line, quantity=3, lot="WY-2026-103")
    first, second = (
        await codes_of(client, line, first_batch),
        await codes_of(client, line, second_batch),
    )
    carton = await _package(client, line)
    await _pack(client, line, carton, first[:2] + second[:1])
    await activate(client, line, {"package": carton}, "carton")
    recall = {"reason": "抽检不合格", "legal_basis": "《食品安全法》第六十三条"}
    recall |= {"case_number": "五市监召〔2026〕2号"}
    unsuspended = await client.post(
        f"/api/v1/packages/{carton}/recall", json=recall, headers=line["regulator"]
    )
    assert unsuspended.status_code == 409  # a recall follows a suspension, as for any batch
    for batch_id in (first_batch, second_batch):
        batch = await session.get(LabelBatch, batch_id)
        assert batch is not None
        batch.status = BatchStatus.SUSPENDED
    await session.flush()
    recalled = await client.post(
        f"/api/v1/packages/{carton}/recall", json=recall, headers=line["regulator"]
    )
    assert recalled.status_code == 200, recalled.text
    assert sorted(m["batch_id"] for m in recalled.json()) == [first_batch, second_batch]
    for code in first[:2] + second[:1]:
        assert await verdict(client, code) == "recalled"
    summary = (await client.get(f"/api/v1/verify/{carton}")).json()
    assert summary["verdict"] == "recalled" and summary["package"]["verdicts"] == {"recalled": 3}


async def test_voiding_an_inactive_label_and_undoing_it_keeps_it_inactive(
    session, client, line
) -> None:
    batch_id = await issue(client, line, quantity=2)
    codes = await codes_of(client, line, batch_id)
    me = line["licensee"]
    await client.post("/api/v1/labels/void", json={"codes": codes, "reason": "破损"}, headers=me)
    assert await verdict(client, codes[0]) == "void"
    undone = await client.post("/api/v1/labels/unvoid", json={"codes": codes}, headers=me)
    assert undone.status_code == 200
    assert await verdict(client, codes[0]) == "not_active"
    batch = await session.get(LabelBatch, batch_id)
    assert batch is not None and batch.requires_activation
    assert LabelStatus.INACTIVE in LabelStatus.live()
