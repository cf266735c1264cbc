"""The credit list and the appeal trail on the console: a regulator lists an enterprise (by its
USCC, confirmed first) and ends a listing early; the licensee sees its listing on the overview
and the credit page, and the right to appeal each act against it on the licence page, the
batch page and the overview, never another enterprise's."""

from __future__ import annotations

from datetime import timedelta

import factories
from console_helpers import csrf_of, log_in
from sqlalchemy import select

from app.core.appeals import add_months, deadlines
from app.core.time import public_today
from app.core.workdays import WorkingCalendar
from app.credit.models import CreditListing
from app.enterprise.models import Enterprise
from app.label.models import BatchStatus

TODAY = public_today()
# 60 days on, moved off a day off (no admin calendar entries in these tests)
REVIEW_BY = deadlines(TODAY, calendar=WorkingCalendar()).review_by.isoformat()
GROUNDS = {
    "reason": "伪造地理标志专用标志",
    "legal_basis": "《市场监督管理严重违法失信名单管理办法》第九条",
    "case_number": "五市监罚〔2026〕99号",
}


async def _company(session, world) -> Enterprise:  # type: ignore[no-untyped-def]
    return await session.get(Enterprise, world.licence.enterprise_id)


async def _add(browser, uscc: str, step: str | None = None, **extra: str):  # type: ignore[no-untyped-def]
    page = await browser.get("/console/credit")
    data = (
        GROUNDS
        | {
            "csrf_token": csrf_of(page.text),
            "uscc": uscc,
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=365)).isoformat(),
            "published": "yes",
        }
        | extra
    )
    if step:
        data["step"] = step
    return await browser.post("/console/credit", data=data)


async def test_a_regulator_lists_after_confirming_and_the_licensee_sees_it(
    regulator_browser, world, session, app
) -> None:
    company = await _company(session, world)
    confirm = await _add(regulator_browser, company.uscc)
    assert confirm.status_code == 200 and "请确认" in confirm.text
    assert company.name in confirm.text and "不得申请许可证和标签批次" in confirm.text
    assert (await session.scalars(select(CreditListing))).first() is None  # nothing yet

    done = await _add(regulator_browser, company.uscc, step="confirmed")
    assert done.status_code == 303, done.text
    (listing,) = (await session.scalars(select(CreditListing))).all()
    assert listing.enterprise_id == company.id and listing.published
    page = await regulator_browser.get("/console/credit")
    assert GROUNDS["case_number"] in page.text and "列入中" in page.text

    from console_helpers import client_for

    async with client_for(app, "198.51.100.8") as licensee:
        assert (await log_in(licensee, world.licensee.username)).status_code == 303
        overview = await licensee.get("/console")
        assert "data-credit-listing" in overview.text and GROUNDS["reason"] in overview.text
        review_by = REVIEW_BY
        assert "救济途径" in overview.text and review_by in overview.text
        own = await licensee.get("/console/credit")
        assert own.status_code == 200 and GROUNDS["case_number"] in own.text
        assert add_months(TODAY, 6).isoformat() in own.text
        assert 'action="/console/credit"' not in own.text  # no form to list anyone
        refused = await licensee.post(
            "/console/credit", data={"csrf_token": csrf_of(own.text), "uscc": company.uscc}
        )
        assert refused.status_code == 403


async def test_an_unknown_uscc_is_refused_by_its_field(regulator_browser, world) -> None:
    refused = await _add(regulator_browser, factories.make_uscc(987654))
    assert refused.status_code == 422
    assert 'id="add-uscc-error"' in refused.text and GROUNDS["reason"] in refused.text


async def test_ending_a_listing_early_is_confirmed_then_done(
    regulator_browser, world, session
) -> None:
    company = await _company(session, world)
    assert (await _add(regulator_browser, company.uscc, step="confirmed")).status_code == 303
    (listing,) = (await session.scalars(select(CreditListing))).all()
    page = await regulator_browser.get("/console/credit")
    data = {"csrf_token": csrf_of(page.text), "reason": "已完成信用修复"}
    url = f"/console/credit/{listing.id}/end"
    confirm = await regulator_browser.post(url, data=data)
    assert confirm.status_code == 200 and "提前结束" in confirm.text
    done = await regulator_browser.post(url, data=data | {"step": "confirmed"})
    assert done.status_code == 303
    await session.refresh(listing)
    assert listing.ended_at is not None and listing.end_reason == "已完成信用修复"
    assert "已提前移出" in (await regulator_browser.get("/console/credit")).text


async def test_licence_and_batch_pages_show_the_right_to_appeal_their_acts(
    licensee_browser, world, session
) -> None:
    from app.core.principal import Role

    regulator = await factories.auth_headers(session, licensee_browser, Role.REGULATOR)
    batch = await factories.batch(session, world.licence, status=BatchStatus.ISSUED)
    for url in (
        f"/api/v1/licences/{world.licence.id}/suspend",
        f"/api/v1/licences/{world.other_licence.id}/suspend",
        f"/api/v1/batches/{batch.id}/suspend",
    ):
        acted = await licensee_browser.post(
            url, json={"reason": "抽检不合格待查"}, headers=regulator
        )
        assert acted.status_code == 200, acted.text
    review_by = REVIEW_BY
    licence_page = await licensee_browser.get(f"/console/licences/{world.licence.id}")
    assert "救济途径" in licence_page.text and review_by in licence_page.text
    assert "暂停使用许可" in licence_page.text
    batch_page = await licensee_browser.get(f"/console/batches/{batch.id}")
    assert "救济途径" in batch_page.text and "暂停标签批次" in batch_page.text
    overview = await licensee_browser.get("/console")
    assert overview.text.count("暂停使用许可") == 1  # its own licence's act, not the other's
