"""The licensee's journey in a real Chromium: log in as the demo licensee, apply for a licence
(the product chosen by name), request a batch, have it approved (a regulator, in a context of
its own), open the issued batch, start a print file and wait for its download link (the page's
poll script, the worker run here), void a label through the confirmation step, and read the
reconciliation. Each main page passes axe (no serious or critical violation) and is
screenshotted at laptop and tablet size.

A module of its own: while Chromium is open, asyncio tests cannot run (tests/browser.py)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from browser import (  # noqa: F401 - chromium_browser: a fixture
    axe_violations,
    chromium_browser,
    demo_seed,
    describe,
    in_own_thread,
    live_server,
    needs_chromium,
    offline_context,
    screenshot,
    sqlite_settings,
)
from playwright.sync_api import Page

from app.core.db import Database, create_engine
from app.core.jobs.models import JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.worker import Worker
from app.core.time import public_today
from app.jobs import print_jobs
from app.jobs.print_files import PRINT_FILE

pytestmark = [pytest.mark.dbless, needs_chromium]

LOT = "WY-2026-017"


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("licensee-browser")
    settings = sqlite_settings(test_settings, folder).model_copy(
        update={"public_base_url": "http://127.0.0.1", "print_files_dir": folder / "print"}
    )
    with live_server(settings, folder, demo_seed(settings)) as running:
        yield running


def run_print_job(settings: Any) -> tuple[int, JobStatus | None] | None:
    """What a worker process does: run the queued print job, over the server's database."""

    async def once() -> tuple[int, JobStatus | None] | None:
        database = Database(create_engine(settings.resolved_database_url))
        only = Registry()
        only.register(PRINT_FILE, print_jobs.build_print_file)
        try:
            return await Worker(database, only).run_once()
        finally:
            await database.dispose()

    return in_own_thread(lambda: asyncio.run(once()))


def checked(page: Page, name: str) -> None:
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, name, full_page=True)


def log_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(url)


def approve_as_regulator(server: Any, browser: Any, batch_path: str) -> None:
    context, blocked = offline_context(browser, locale="zh-CN")
    page = context.new_page()
    log_in(page, server.url(f"{batch_path}/decision"), "regulator", "demo-regulator-pass")
    page.get_by_role("button", name="批准并发码").click()
    page.wait_for_url(server.url(batch_path))
    assert blocked == []
    context.close()


def test_licensee_journey(server, chromium_browser, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(print_jobs, "worker_settings", lambda: server.settings)
    context, blocked = offline_context(chromium_browser, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    log_in(page, server.url("/console"), "licensee", "demo-licensee-pass")

    # Apply for a licence: the product by its name.
    page.get_by_role("link", name="申请许可证").click()
    page.wait_for_url(server.url("/console/licences/new"))
    checked(page, "console-licence-apply")
    page.get_by_label("地理标志产品").select_option(label="乌海葡萄（按亩计）")
    page.get_by_label("登记的生产规模").fill("35")
    page.get_by_label("生产地点（保护范围内）").fill("乌海市海勃湾区千里山镇")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(server.url("/console/licences/*"))
    assert page.get_by_text("待审核").first.is_visible()
    checked(page, "console-licence-applied")

    # Request a batch under the active licence.
    page.get_by_role("link", name="申请标签批次").click()
    page.get_by_label("生产批号").fill(LOT)
    page.get_by_label("标签数量").fill("12")
    page.get_by_label("每枚标签对应的包装").fill("袋 0.5 kg")
    page.get_by_label("生产日期").fill((public_today() - timedelta(days=2)).isoformat())
    page.get_by_label("产地（保护范围内）").fill("五原县隆兴昌镇")
    # the seeds are drawn from a recorded harvest (issue 15): 10 kg × 0.9 covers 12 × 0.5 kg
    harvest = page.locator("#sources-choices .code").first.inner_text()
    page.get_by_label("原料来源").fill(f"{harvest} 10")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(server.url("/console/batches/*"))
    batch_path = page.url.removeprefix(server.base)
    assert page.get_by_text("尚未完成").first.is_visible()
    checked(page, "console-batch-requested")

    approve_as_regulator(server, chromium_browser, batch_path)

    # The issued batch: its steps done, a print file started and waited for.
    page.reload()
    assert page.get_by_role("heading", level=1).get_by_text("已发码").is_visible()
    assert page.get_by_text("尚未完成").count() == 0
    checked(page, "console-batch-issued")
    page.get_by_label("CSV（交给印刷厂的码表）").check()
    page.get_by_role("button", name="开始生成").click()
    page.wait_for_url(server.url("/console/print-files/*"))
    assert page.locator("progress#job-progress").is_visible()
    checked(page, "console-print-job-waiting")
    outcome = run_print_job(server.settings)
    assert outcome is not None and outcome[1] is JobStatus.SUCCEEDED
    link = page.locator("#job-download")
    link.wait_for(state="visible", timeout=15_000)  # the poll script shows it
    assert link.get_attribute("href", timeout=1_000).endswith("/download")
    checked(page, "console-print-job-done")
    with page.expect_download() as waiting:
        link.click()
    content = waiting.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content.split("\n", 1)[1])))
    assert len(rows) == 12

    # Void one label: ticked in the list, confirmed on a page that says what changes.
    page.goto(server.url(f"{batch_path}/labels"))
    checked(page, "console-batch-labels")
    page.locator('input[name="codes"]').first.check()
    page.get_by_role("button", name="作废或恢复所选标签……").click()
    page.wait_for_url(server.url(f"{batch_path}/void?*"))
    page.get_by_label("作废原因（作废时必填）").fill("卷标破损")
    checked(page, "console-void-form")
    page.get_by_role("button", name="下一步：核对").click()
    assert page.get_by_text(f"作废批号 {LOT} 的 1 枚标签").is_visible()
    checked(page, "console-void-confirm")
    page.get_by_role("button", name="确认作废 1 枚标签").click()
    page.wait_for_url(server.url(f"{batch_path}?done=void&n=1"))

    # The reconciliation: one of twelve voided.
    assert page.get_by_text("已作废 1 枚标签。").is_visible()
    assert page.locator('[data-count="issued"]').inner_text() == "12"
    assert page.locator('[data-count="voided"]').inner_text() == "1"
    assert page.locator('[data-count="active"]').inner_text() == "11"
    checked(page, "console-batch-reconciliation")
    assert blocked == []
    context.close()
