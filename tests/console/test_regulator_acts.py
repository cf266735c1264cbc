"""The regulator's measures on a licence and a batch from their console pages: suspend,
reinstate and withdraw a licence; suspend, clear and recall a batch. Each destructive act
first confirms what it will change, with counts that match the data; only the confirmation
acts; refusals come back by the field with what was typed; the role table's 403/404 and the
CSRF check hold."""

from __future__ import annotations

import factories
import pytest
from acts_helpers import actions_on, batch_with_labels, codec_of
from console_helpers import csrf_of, log_in
from sqlalchemy import select

from app.label.models import BatchStatus, Label, LabelStatus
from app.licence.models import LicenceStatus

GROUNDS = {"reason": "抽检不合格", "legal_basis": "《地理标志专用标志使用管理办法》第十一条"}


@pytest.fixture
async def regulator_browser(browser, world):  # type: ignore[no-untyped-def]
    assert (await log_in(browser, world.regulator.username)).status_code == 303
    return browser


async def _token(client, url: str) -> str:  # type: ignore[no-untyped-def]
    page = await client.get(url)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


async def test_suspend_a_licence_after_confirming_then_reinstate_it(
    regulator_browser, world, session, test_settings
) -> None:
    await batch_with_labels(
        session, world.licence, codec_of(test_settings), active=3, scanned=2, void=1
    )
    here = f"/console/licences/{world.licence.id}"
    page = await regulator_browser.get(here)
    assert f'action="{here}/suspend"' in page.text and "/reinstate" not in page.text
    data = {"csrf_token": csrf_of(page.text), "reason": "涉嫌超范围使用"}

    confirm = await regulator_browser.post(f"{here}/suspend", data=data)
    assert confirm.status_code == 200
    assert "其 3 枚在用标签（其中 2 枚已被查验）" in confirm.text
    assert "五原县丰瑞农业开发有限公司" in confirm.text and world.licence.number in confirm.text
    assert 'name="step" value="confirmed"' in confirm.text and "涉嫌超范围使用" in confirm.text
    await session.refresh(world.licence)
    assert world.licence.status is LicenceStatus.ACTIVE  # nothing done before confirming

    done = await regulator_browser.post(f"{here}/suspend", data={**data, "step": "confirmed"})
    assert done.status_code == 303 and done.headers["location"] == here
    await session.refresh(world.licence)
    assert world.licence.status is LicenceStatus.SUSPENDED
    assert "licence.suspend" in await actions_on(session, "licence", world.licence.id)

    page = await regulator_browser.get(here)
    assert f'action="{here}/reinstate"' in page.text and "/suspend" not in page.text
    refused = await regulator_browser.post(
        f"{here}/reinstate", data={"csrf_token": csrf_of(page.text), "reason": "x"}
    )
    assert refused.status_code == 422 and 'id="reinstate-reason-error"' in refused.text
    done = await regulator_browser.post(
        f"{here}/reinstate", data={"csrf_token": csrf_of(page.text), "reason": "整改完成"}
    )
    assert done.status_code == 303
    await session.refresh(world.licence)
    assert world.licence.status is LicenceStatus.ACTIVE


async def test_withdraw_a_licence_and_revoke_its_labels(
    regulator_browser, world, session, test_settings
) -> None:
    batch, _codes = await batch_with_labels(
        session, world.licence, codec_of(test_settings), active=4, scanned=1, void=2
    )
    here = f"/console/licences/{world.licence.id}"
    token = await _token(regulator_browser, here)
    data = {"csrf_token": token, **GROUNDS, "case_number": "WY-2026-017", "revoke_labels": "yes"}

    confirm = await regulator_browser.post(f"{here}/withdraw?lang=en", data=data)
    assert confirm.status_code == 200
    assert f"withdraws licence {world.licence.number} of 五原县丰瑞农业开发有限公司" in confirm.text
    assert "revokes its 4 live labels, 1 of them already scanned" in confirm.text

    back = await regulator_browser.post(f"{here}/withdraw", data={**data, "step": "edit"})
    assert back.status_code == 200 and 'value="WY-2026-017"' in back.text
    assert (
        'id="withdraw-revoke_labels" name="revoke_labels" type="checkbox" value="yes" checked'
        in back.text
    )
    await session.refresh(world.licence)
    assert world.licence.status is LicenceStatus.ACTIVE

    done = await regulator_browser.post(f"{here}/withdraw", data={**data, "step": "confirmed"})
    assert done.status_code == 303
    await session.refresh(world.licence)
    assert world.licence.status is LicenceStatus.WITHDRAWN
    assert world.licence.case_number == "WY-2026-017"
    found = await session.scalars(select(Label.status).where(Label.batch_id == batch.id))
    states = [LabelStatus(state) for state in found]
    assert states.count(LabelStatus.REVOKED) == 4 and states.count(LabelStatus.VOID) == 2


async def test_a_refused_withdrawal_keeps_what_was_typed(regulator_browser, world, session) -> None:
    here = f"/console/licences/{world.licence.id}"
    token = await _token(regulator_browser, here)
    data = {"csrf_token": token, "legal_basis": "第十一条", "case_number": "C-9"}
    refused = await regulator_browser.post(f"{here}/withdraw?lang=en", data=data)
    assert refused.status_code == 422
    assert 'id="withdraw-reason-error"' in refused.text and "Give a reason" in refused.text
    assert "第十一条" in refused.text and 'value="C-9"' in refused.text
    await session.refresh(world.licence)
    assert world.licence.status is LicenceStatus.ACTIVE


async def test_suspend_clear_and_recall_a_batch(
    regulator_browser, world, session, test_settings
) -> None:
    batch, _codes = await batch_with_labels(
        session, world.licence, codec_of(test_settings), active=5, scanned=3
    )
    here = f"/console/batches/{batch.id}"
    page = await regulator_browser.get(here)
    assert f'action="{here}/suspend"' in page.text and "/recall" not in page.text
    token = csrf_of(page.text)

    confirm = await regulator_browser.post(
        f"{here}/suspend", data={"csrf_token": token, "reason": "消费者举报"}
    )
    assert confirm.status_code == 200
    assert f"暂停 五原县丰瑞农业开发有限公司 的批次 {batch.lot_number}" in confirm.text
    assert "其 5 枚在用标签（其中 3 枚已被查验）" in confirm.text
    await session.refresh(batch)
    assert batch.status is BatchStatus.ISSUED

    data = {"csrf_token": token, "reason": "消费者举报", "step": "confirmed"}
    assert (await regulator_browser.post(f"{here}/suspend", data=data)).status_code == 303
    await session.refresh(batch)
    assert batch.status is BatchStatus.SUSPENDED

    data = {"csrf_token": token, "reason": "复检合格", "step": "confirmed"}
    assert (await regulator_browser.post(f"{here}/clear", data=data)).status_code == 303
    await session.refresh(batch)
    assert batch.status is BatchStatus.ISSUED
    data = {"csrf_token": token, "reason": "再次举报", "step": "confirmed"}
    assert (await regulator_browser.post(f"{here}/suspend", data=data)).status_code == 303

    no_cause = {"csrf_token": token, **GROUNDS}
    refused = await regulator_browser.post(f"{here}/recall", data=no_cause)
    assert refused.status_code == 422 and 'id="recall-case_number-error"' in refused.text
    assert "第十一条" in refused.text  # kept
    recall = {**no_cause, "case_number": "WY-2026-020"}
    confirm = await regulator_browser.post(f"{here}/recall?lang=en", data=recall)
    assert f"recalls lot {batch.lot_number} of 五原县丰瑞农业开发有限公司" in confirm.text
    assert "its 5 live labels (3 of them already scanned)" in confirm.text
    done = await regulator_browser.post(f"{here}/recall", data={**recall, "step": "confirmed"})
    assert done.status_code == 303
    await session.refresh(batch)
    assert batch.status is BatchStatus.RECALLED
    actions = await actions_on(session, "label_batch", batch.id)
    assert actions.count("batch.suspend") == 2 and {"batch.clear", "batch.recall"} <= set(actions)

    again = await regulator_browser.post(f"{here}/clear", data={**data, "reason": "撤回"})
    assert again.status_code == 409  # recalled meanwhile: the service's refusal, shown
    assert "its state has changed" in again.text


async def test_a_licensee_gets_the_role_tables_answers(licensee_browser, world, session) -> None:
    own = await factories.batch(session, world.licence)
    foreign = await factories.batch(session, world.other_licence)
    page = await licensee_browser.get(f"/console/licences/{world.licence.id}")
    assert page.status_code == 200 and "/suspend" not in page.text and "/withdraw" not in page.text
    token = csrf_of(page.text)
    for url in (
        f"/console/licences/{world.licence.id}/suspend",
        f"/console/licences/{world.licence.id}/withdraw",
        f"/console/batches/{own.id}/suspend",
        f"/console/batches/{own.id}/recall",
    ):
        refused = await licensee_browser.post(url, data={"csrf_token": token, **GROUNDS})
        assert refused.status_code == 403, url
    batch_page = await licensee_browser.get(f"/console/batches/{own.id}")
    assert batch_page.status_code == 200 and "/suspend" not in batch_page.text
    assert (await licensee_browser.get(f"/console/batches/{foreign.id}")).status_code == 404
    await session.refresh(world.licence)
    assert world.licence.status is LicenceStatus.ACTIVE


async def test_a_forged_csrf_token_is_refused(regulator_browser, world, session) -> None:
    batch = await factories.batch(session, world.licence)
    data = {**GROUNDS, "case_number": "C-1", "step": "confirmed"}
    for url in (
        f"/console/licences/{world.licence.id}/suspend",
        f"/console/licences/{world.licence.id}/withdraw",
        f"/console/batches/{batch.id}/suspend",
    ):
        forged = await regulator_browser.post(url, data={**data, "csrf_token": "forged"})
        missing = await regulator_browser.post(url, data=data)
        assert forged.status_code == 403 and missing.status_code == 403, url
    await session.refresh(world.licence)
    await session.refresh(batch)
    assert world.licence.status is LicenceStatus.ACTIVE and batch.status is BatchStatus.ISSUED
