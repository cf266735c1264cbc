"""Void and un-void from the console: the codes pasted (or ticked), a confirmation step that
says what will change and changes nothing, then the act through the label service; refusals
(not one's own label, outside the 10-day window, not active) next to the codes, kept as typed;
a forged CSRF token refused on both steps."""

from __future__ import annotations

from datetime import timedelta

from licensee_helpers import issued_batch, token_of
from sqlalchemy import select, update

from app.core.time import utcnow
from app.label.code import format_grouped
from app.label.models import Label, LabelStatus


async def _states(session, codes: list[str]) -> list[LabelStatus]:
    found = await session.execute(
        select(Label.code, Label.status)
        .where(Label.code.in_(codes))
        .execution_options(populate_existing=True)
    )
    by_code = dict(found.all())
    return [by_code[c] for c in codes]


async def test_void_asks_for_confirmation_then_voids(
    licensee_browser, client, world, session
) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    path = f"/console/batches/{batch_id}/void"
    token = await token_of(licensee_browser, path)
    pasted = f"{format_grouped(codes[0]).lower()}\n{codes[1]}, {codes[2]}"
    data = {"csrf_token": token, "act": "void", "codes": pasted, "reason": "卷标破损"}
    check = await licensee_browser.post(path, data=data)
    assert check.status_code == 200
    assert "作废批号 WY-2026-017 的 3 枚标签" in check.text and "卷标破损" in check.text
    assert await _states(session, codes[:3]) == [LabelStatus.ACTIVE] * 3  # nothing yet
    english = await licensee_browser.post(f"{path}?lang=en", data=data)
    assert "voids 3 labels of lot WY-2026-017" in english.text
    await licensee_browser.get("/console?lang=zh")  # the switch is remembered: back to Chinese

    done = await licensee_browser.post(f"{path}/confirm", data=data)
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/batches/{batch_id}?done=void&n=3"
    assert await _states(session, codes[:4]) == [LabelStatus.VOID] * 3 + [LabelStatus.ACTIVE]
    page = await licensee_browser.get(done.headers["location"])
    assert "已作废 3 枚标签" in page.text and 'data-count="voided">3<' in page.text

    undo = {"csrf_token": token, "act": "unvoid", "codes": codes[0]}
    check = await licensee_browser.post(path, data=undo)
    assert "恢复批号 WY-2026-017 的 1 枚标签" in check.text
    assert (await licensee_browser.post(f"{path}/confirm", data=undo)).status_code == 303
    assert await _states(session, codes[:2]) == [LabelStatus.ACTIVE, LabelStatus.VOID]


async def test_ticked_labels_fill_the_form(licensee_browser, client, world, session) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    listing = await licensee_browser.get(f"/console/batches/{batch_id}/labels")
    assert f'name="codes" value="{codes[0]}"' in listing.text
    form = await licensee_browser.get(
        f"/console/batches/{batch_id}/void", params=[("codes", codes[0]), ("codes", codes[4])]
    )
    assert f"{codes[0]}\n{codes[4]}</textarea>" in form.text
    assert '<label for="codes">' in form.text and '<label for="reason">' in form.text


async def test_refusals_are_shown_by_the_codes_with_everything_kept(
    licensee_browser, client, world, session
) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    path = f"/console/batches/{batch_id}/void"
    token = await token_of(licensee_browser, path)
    stranger = "K3F9ABCDEFGHJKMNPQRS"
    data = {"csrf_token": token, "act": "void", "codes": f"{codes[0]} {stranger}", "reason": "破损"}
    refused = await licensee_browser.post(path, data=data)
    assert refused.status_code == 404 and 'id="codes-error"' in refused.text
    assert "1 个码不是贵企业的标签" in refused.text and stranger in refused.text
    assert f"{codes[0]}\n{stranger}" not in refused.text  # kept as typed, not re-split
    assert f"{codes[0]} {stranger}</textarea>" in refused.text and 'value="破损"' in refused.text
    confirm = await licensee_browser.post(f"{path}/confirm", data=data)
    assert confirm.status_code == 404 and 'id="codes-error"' in confirm.text

    no_reason = {**data, "codes": codes[0], "reason": ""}
    missing = await licensee_browser.post(path, data=no_reason)
    assert missing.status_code == 422 and 'id="reason-error"' in missing.text


async def test_un_void_outside_the_window_is_refused_by_the_field(
    licensee_browser, client, world, session
) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    path = f"/console/batches/{batch_id}/void"
    token = await token_of(licensee_browser, path)
    void = {"csrf_token": token, "act": "void", "codes": codes[0], "reason": "印错"}
    assert (await licensee_browser.post(f"{path}/confirm", data=void)).status_code == 303
    await session.execute(
        update(Label)
        .where(Label.code == codes[0])
        .values(status_changed_at=utcnow() - timedelta(days=11))
    )
    undo = {"csrf_token": token, "act": "unvoid", "codes": codes[0]}
    refused = await licensee_browser.post(path, data=undo)
    assert refused.status_code == 409 and "已超过 10 天的恢复期限" in refused.text
    assert 'id="codes-error"' in refused.text and f"{codes[0]}</textarea>" in refused.text
    again = await licensee_browser.post(path, data=void)
    assert again.status_code == 422 and "只有在用的标签才能作废" in again.text


async def test_a_forged_csrf_token_voids_nothing(licensee_browser, client, world, session) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    path = f"/console/batches/{batch_id}/void"
    data = {"csrf_token": "forged", "act": "void", "codes": codes[0], "reason": "破损"}
    assert (await licensee_browser.post(path, data=data)).status_code == 403
    assert (await licensee_browser.post(f"{path}/confirm", data=data)).status_code == 403
    del data["csrf_token"]
    assert (await licensee_browser.post(f"{path}/confirm", data=data)).status_code == 403
    assert await _states(session, codes[:1]) == [LabelStatus.ACTIVE]
