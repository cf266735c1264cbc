"""The regulator's journey in a real Chromium: log in, open the work queues, open a pending
licence application by its enterprise's name, approve it with a validity date, and see it
active with its number, then find it in the searchable licence list; the queue page, the
licence page, the licence list and the suspicious codes pass axe (no serious or critical
violation) and are screenshotted at laptop and tablet size.

A module of its own: while Chromium is open, asyncio tests cannot run (tests/browser.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from browser import (  # noqa: F401 - chromium_browser: a fixture
    axe_violations,
    chromium_browser,
    demo_seed,
    describe,
    live_server,
    needs_chromium,
    offline_context,
    screenshot,
    sqlite_settings,
)
from sqlalchemy import select

from app.core.db import Database
from app.core.time import public_today, utcnow
from app.enterprise.models import Enterprise
from app.licence.models import Licence, LicenceStatus
from app.registry.models import GIProduct

pytestmark = [pytest.mark.dbless, needs_chromium]

APPLICANT = "磴口县葵花种植合作社"


def _seed(settings: Any) -> Any:
    demo = demo_seed(settings)

    async def seed(database: Database) -> None:
        await demo(database)
        async with database.sessionmaker() as session, session.begin():
            product = await session.scalar(select(GIProduct).limit(1))
            assert product is not None
            applicant = Enterprise(
                name=APPLICANT,
                uscc="91150822MA0N7X2K3Q",
                address="磴口县",
                region="巴彦淖尔市磴口县",
                division_code="150822",  # in the regional bureau's reach (issue 14)
            )
            session.add(applicant)
            await session.flush()
            session.add(
                Licence(
                    enterprise_id=applicant.id,
                    product_id=product.id,
                    # endorsed by the mark's registrant, where it has one (issue 14.2)
                    status=LicenceStatus.ENDORSED,
                    production_area_mu=Decimal("80"),
                    production_location="磴口县补隆淖镇",
                    applied_at=utcnow(),
                    endorsed_at=utcnow(),
                    endorsement_note="演示：协会已同意",
                )
            )

    return seed


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("regulator-browser")
    settings = sqlite_settings(test_settings, folder)
    settings = settings.model_copy(update={"public_base_url": "http://127.0.0.1"})
    with live_server(settings, folder, _seed(settings)) as running:
        yield running


def test_regulator_approves_a_licence_application(server, chromium_browser) -> None:  # noqa: F811
    context, blocked = offline_context(chromium_browser, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url("/console"))
    page.get_by_label("用户名").fill("regulator")
    page.get_by_label("密码").fill("demo-regulator-pass")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server.url("/console"))

    page.get_by_role("link", name="待办事项").click()
    page.wait_for_url(server.url("/console/queues"))
    waiting = int(page.locator('[data-queue="licences"]').inner_text())
    assert waiting >= 1
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-queues", full_page=True)

    page.get_by_role("link", name=APPLICANT).click()
    page.wait_for_url(server.url("/console/licences/*"))
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-licence-application", full_page=True)
    until = (public_today() + timedelta(days=730)).isoformat()
    page.get_by_label("有效期截止日").fill(until)
    page.get_by_label("审核意见（可选）").fill("现场核查通过")
    page.get_by_role("button", name="批准申请").click()
    page.wait_for_load_state()
    assert page.get_by_text("有效", exact=True).first.is_visible()
    assert page.get_by_text("现场核查通过").is_visible()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "GI-" in heading  # numbered on approval

    page.goto(server.url("/console/queues"))
    assert int(page.locator('[data-queue="licences"]').inner_text()) == waiting - 1

    # The full licence list, from the nav: searched by a part of the enterprise's name.
    page.get_by_role("link", name="许可证", exact=True).click()
    page.wait_for_url(server.url("/console/licences"))
    page.get_by_label("搜索许可证").fill(APPLICANT[2:6])
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(server.url("/console/licences?*"))
    assert page.get_by_role("cell", name=APPLICANT).is_visible()
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-licences", full_page=True)
    page.goto(server.url("/console/scans/suspicious"))
    assert (found := axe_violations(page)) == [], describe(found)
    assert blocked == []
    context.close()
