"""Replacement labels from the batch page (issue 12): the form says how many voided labels
are left to replace, a confirmation says what the request does to the quota and changes
nothing, then a new batch is requested; the two batch pages link to each other; refusals
stand by the field with what was typed; another enterprise's batch is 404."""

from __future__ import annotations

import factories
from licensee_helpers import issued_batch, token_of
from sqlalchemy import func, select

from app.label.models import LabelBatch, LabelReplacement


async def _void(browser, batch_id: int, codes: list[str]) -> str:
    path = f"/console/batches/{batch_id}/void"
    token = await token_of(browser, path)
    data = {"csrf_token": token, "act": "void", "codes": " ".join(codes), "reason": "卷标破损"}
    assert (await browser.post(f"{path}/confirm", data=data)).status_code == 303
    return token


async def _batches(session) -> int:
    return int(await session.scalar(select(func.count()).select_from(LabelBatch)) or 0)


async def test_replacements_are_confirmed_then_requested_and_linked(
    licensee_browser, client, world, session
) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    token = await _void(licensee_browser, batch_id, codes[:2])
    page = await licensee_browser.get(f"/console/batches/{batch_id}")
    assert "为 2 枚作废标签申请补发" in page.text

    path = f"/console/batches/{batch_id}/replacements"
    data = {"csrf_token": token, "scope": "all"}
    before = await _batches(session)
    check = await licensee_browser.post(path, data=data)
    assert check.status_code == 200
    assert "申请新批次 WY-2026-017-R1，共 2 枚标签" in check.text
    assert "已用 6 枚；申请后已用 8 枚" in check.text
    assert await _batches(session) == before  # nothing yet

    confirm = {"csrf_token": token, "scope": "all", "lot_number": "WY-2026-017-R1"}
    done = await licensee_browser.post(f"{path}/confirm", data=confirm)
    assert done.status_code == 303
    new_page = await licensee_browser.get(done.headers["location"])
    assert "已申请补发 2 枚标签" in new_page.text
    assert f'href="/console/batches/{batch_id}">WY-2026-017</a>' in new_page.text
    links = await session.scalar(select(func.count()).select_from(LabelReplacement))
    assert links == 2

    original = await licensee_browser.get(f"/console/batches/{batch_id}?lang=en")
    assert (
        ">WY-2026-017-R1</a>" in original.text and "Request replacements for" not in original.text
    )
    assert 'data-count="voided-replaced">2<' in original.text


async def test_refusals_stand_by_the_codes_with_what_was_typed(
    licensee_browser, client, world, session
) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    token = await _void(licensee_browser, batch_id, codes[:1])
    path = f"/console/batches/{batch_id}/replacements"
    active = {"csrf_token": token, "scope": "codes", "codes": codes[3], "lot_number": "R-A"}
    refused = await licensee_browser.post(path, data=active)
    assert refused.status_code == 409 and 'id="codes-error"' in refused.text
    assert "只有已作废的标签才能补发" in refused.text
    assert f"{codes[3]}</textarea>" in refused.text and 'value="R-A"' in refused.text

    bad_lot = {"csrf_token": token, "scope": "all", "lot_number": "批号"}
    invalid = await licensee_browser.post(path, data=bad_lot)
    assert invalid.status_code == 422 and 'id="lot_number-error"' in invalid.text

    first = {"csrf_token": token, "scope": "codes", "codes": codes[0]}
    assert (await licensee_browser.post(f"{path}/confirm", data=first)).status_code == 303
    twice = await licensee_browser.post(f"{path}/confirm", data=first)
    assert twice.status_code == 409 and "这些标签已申请过补发" in twice.text


async def test_another_enterprises_batch_is_not_found(
    licensee_browser, client, world, session
) -> None:
    theirs = await factories.batch(session, world.other_licence)
    path = f"/console/batches/{theirs.id}/replacements"
    token = await token_of(licensee_browser, "/console/batches/new")
    assert (await licensee_browser.get(path)).status_code == 404
    answer = await licensee_browser.post(path, data={"csrf_token": token, "scope": "all"})
    assert answer.status_code == 404


async def test_the_regulator_deciding_a_replacement_sees_what_it_replaces(
    regulator_browser, client, world, session
) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    licensee = await factories.login(client, world.licensee.username)
    body = {"codes": codes[:2], "reason": "卷标破损"}
    assert (await client.post("/api/v1/labels/void", json=body, headers=licensee)).is_success
    made = await client.post(
        f"/api/v1/batches/{batch_id}/replacements", json={"all_voided": True}, headers=licensee
    )
    assert made.status_code == 201
    decision = await regulator_browser.get(f"/console/batches/{made.json()['id']}/decision")
    assert decision.status_code == 200
    assert f'<a href="/console/batches/{batch_id}">WY-2026-017</a>' in decision.text
