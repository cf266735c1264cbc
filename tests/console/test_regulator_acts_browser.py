"""The regulator's enforcement acts in a real Chromium: suspend a licence (after a
confirmation that counts its live labels) and reinstate it; revoke two codes by uploading a
CSV, confirmed with its count; draw a random-inspection plan and see its draw by name; open
the audit trail and verify the chain. Every page passes axe (no serious or critical
violation) and is screenshotted at laptop and tablet size.

A module of its own: while Chromium is open, asyncio tests cannot run (tests/browser.py)."""

from __future__ import annotations

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
from playwright.sync_api import Page
from sqlalchemy import select

from app.core.db import Database
from app.enterprise.models import Enterprise
from app.label.models import Label, LabelBatch

pytestmark = [pytest.mark.dbless, needs_chromium]


def _seed(settings: Any) -> Any:
    """The demo register; answers the first demo batch's licence, lot, enterprise and two of
    its codes."""
    demo = demo_seed(settings)

    async def seed(database: Database) -> dict[str, Any]:
        await demo(database)
        async with database.sessionmaker() as session:
            batch = await session.scalar(
                select(LabelBatch).where(LabelBatch.lot_number.like("DEMO-%")).limit(1)
            )
            assert batch is not None
            codes = await session.scalars(
                select(Label.code).where(Label.batch_id == batch.id).order_by(Label.serial).limit(2)
            )
            enterprise = await session.get(Enterprise, batch.enterprise_id)
            assert enterprise is not None
            return {
                "licence_id": batch.licence_id,
                "lot": batch.lot_number,
                "enterprise": enterprise.name,
                "codes": list(codes),
            }

    return seed


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("regulator-acts-browser")
    settings = sqlite_settings(test_settings, folder)
    settings = settings.model_copy(update={"public_base_url": "http://127.0.0.1"})
    with live_server(settings, folder, _seed(settings)) as running:
        yield running


def _checked(page: Page, name: str) -> None:
    """The page as it is now passes axe and is screenshotted at both sizes."""
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, name, full_page=True)


def test_regulator_enforces_from_the_console(server, chromium_browser, tmp_path) -> None:  # noqa: F811
    seeded = server.seeded
    context, blocked = offline_context(chromium_browser, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url("/console"))
    page.get_by_label("用户名").fill("regulator")
    page.get_by_label("密码").fill("demo-regulator-pass")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server.url("/console"))

    # Suspend the licence (confirmed with its counts), then reinstate it.
    page.goto(server.url(f"/console/licences/{seeded['licence_id']}"))
    _checked(page, "console-licence-acts")
    page.get_by_label("暂停理由").fill("涉嫌超范围使用专用标志")
    page.get_by_role("button", name="暂停许可证…").click()
    page.wait_for_load_state()
    changes = page.locator("[data-changes]").inner_text()
    assert seeded["enterprise"] in changes and "枚在用标签" in changes
    _checked(page, "console-confirm-suspend")
    page.get_by_role("button", name="确认暂停").click()
    page.wait_for_url(server.url(f"/console/licences/{seeded['licence_id']}"))
    assert page.get_by_role("heading", level=1).get_by_text("已暂停").is_visible()
    page.get_by_label("恢复理由").fill("整改完成，恢复使用")
    page.get_by_role("button", name="恢复许可证").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).get_by_text("有效").is_visible()

    # Revoke two codes by uploading a CSV.
    page.get_by_role("link", name="吊销", exact=True).click()
    page.wait_for_url(server.url("/console/revocations"))
    _checked(page, "console-revocations")
    page.get_by_role("link", name="新建吊销").click()
    page.wait_for_url(server.url("/console/revocations/new"))
    _checked(page, "console-revoke-form")
    upload = tmp_path / "codes.csv"
    upload.write_text("code,note\n" + "".join(f"{c},假冒\n" for c in seeded["codes"]))
    page.get_by_label("或上传 CSV 文件").set_input_files(upload)
    page.get_by_label("吊销理由").fill("标签用于非本批次产品")
    page.get_by_label("法律依据").fill("《地理标志专用标志使用管理办法》第十一条")
    page.get_by_label("案件编号").fill("WY-2026-017")
    page.get_by_role("button", name="吊销标签…").click()
    page.wait_for_load_state()
    changes = page.locator("[data-changes]").inner_text()
    assert f"批次 {seeded['lot']} 的 2 枚标签" in changes
    _checked(page, "console-confirm-revocation")
    page.get_by_role("button", name="确认吊销").click()
    page.wait_for_url(server.url("/console/revocations/*"))
    assert page.locator('[data-count="labels"]').inner_text() == "2"
    _checked(page, "console-revocation")

    # Draw a random-inspection plan and see its draw.
    page.get_by_role("link", name="抽查计划", exact=True).click()
    page.wait_for_url(server.url("/console/inspection-plans"))
    page.get_by_role("link", name="新建抽查计划").click()
    page.wait_for_url(server.url("/console/inspection-plans/new"))
    _checked(page, "console-plan-form")
    page.get_by_label("计划名称").fill("五原向日葵许可证双随机抽查")
    page.get_by_label("产品").select_option(label="五原向日葵")
    page.get_by_label("抽查对象").select_option("licences")
    page.get_by_label("抽取数量").fill("1")
    page.get_by_label("演示检验员 Inspector").check()
    page.get_by_role("button", name="抽取并公布").click()
    page.wait_for_url(server.url("/console/inspection-plans/*"))
    assert page.locator('[data-count="drawn"]').inner_text().startswith("1 / ")
    assert page.get_by_role("cell", name="演示检验员 Inspector").is_visible()
    _checked(page, "console-plan")
    page.get_by_role("link", name="抽查计划", exact=True).click()
    assert page.get_by_role("link", name="五原向日葵许可证双随机抽查").is_visible()
    _checked(page, "console-plans")

    # The audit trail, filtered, and the chain verified.
    page.get_by_role("link", name="审计日志", exact=True).click()
    page.wait_for_url(server.url("/console/audit"))
    page.get_by_label("操作（如 licence.suspend）").fill("licence.suspend")
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("涉嫌超范围使用专用标志").is_visible()
    _checked(page, "console-audit")
    page.get_by_role("button", name="验证哈希链").click()
    page.wait_for_load_state()
    assert "哈希链完整" in page.locator("#verification").inner_text()
    _checked(page, "console-audit-verified")

    assert blocked == []
    context.close()
