"""The inspector's and the regulator's register journeys in a real Chromium. The inspector
logs in, opens the assigned demo batch, types values and sees the preview flip from pass to
fail, saves, and sees the result the server stored; the regulator edits a test item's limit
in the GI product register. Every page passes axe (no serious or critical violation) and is
screenshotted at laptop and tablet size.

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

pytestmark = [pytest.mark.dbless, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("inspector-browser")
    settings = sqlite_settings(test_settings, folder)
    settings = settings.model_copy(update={"public_base_url": "http://127.0.0.1"})
    with live_server(settings, folder, demo_seed(settings)) as running:
        yield running


def _log_in(page: Page, server: Any, username: str, password: str) -> None:
    page.goto(server.url("/console"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server.url("/console"))


def _checked(page: Page, name: str) -> None:
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, name, full_page=True)


def test_inspector_records_a_failing_sample(server, chromium_browser) -> None:  # noqa: F811
    context, blocked = offline_context(chromium_browser, locale="zh-CN")
    page = context.new_page()
    _log_in(page, server, "inspector", "demo-inspector-pass")
    page.get_by_role("link", name="我的抽检批次").click()
    page.wait_for_url(server.url("/console/inspections/mine"))
    _checked(page, "console-inspector-batches")

    page.locator("tbody a").first.click()
    page.wait_for_url(server.url("/console/inspections/batch/*"))
    _checked(page, "console-inspection-form")
    page.get_by_label("样品编号").fill("WY-S-0042")
    page.get_by_label("抽样地点").fill("五原县隆兴昌镇 成品库")
    page.get_by_label("检验机构").fill("巴彦淖尔市产品质量检验所")
    page.get_by_label("检验报告编号").fill("BYNE-2026-0042")
    moisture = page.get_by_label("水分")
    preview = page.locator("#items-0-value-preview")
    moisture.fill("8.5")
    assert preview.inner_text() == "合格"
    moisture.press_sequentially("9")  # 8.59: still within ≤ 9
    assert preview.inner_text() == "合格"
    moisture.fill("9.5")
    assert preview.inner_text() == "不合格"
    page.get_by_label("杂质").fill("0.5")
    page.get_by_label("百粒重").fill("18")
    page.get_by_label("酸价").fill("2")
    _checked(page, "console-inspection-preview")
    page.get_by_role("button", name="保存检验结果").click()
    page.wait_for_url(server.url("/console/inspections/*"))
    assert page.locator("[data-result]").get_attribute("data-result") == "fail"
    assert page.get_by_text("9.5 %").is_visible()
    _checked(page, "console-inspection-result")
    assert blocked == []
    context.close()


def test_agriculture_bureau_edits_a_test_items_limit(server, chromium_browser) -> None:  # noqa: F811
    """The product specification's test items are the agriculture bureau's (issue 14's
    organisation policy): the county 农科局 logs in and raises a limit."""
    context, blocked = offline_context(chromium_browser, locale="zh-CN")
    page = context.new_page()
    _log_in(page, server, "wuyuan-agri", "demo-agri-pass")
    page.get_by_role("link", name="地理标志产品").click()
    page.wait_for_url(server.url("/console/products"))
    page.get_by_label("按名称或代码查找").fill("向日")
    page.get_by_role("button", name="查找").click()
    page.wait_for_url(server.url("/console/products?q=*"))
    _checked(page, "console-products")

    page.get_by_role("link", name="五原向日葵").click()
    page.wait_for_url(server.url("/console/products/*"))
    _checked(page, "console-product-form")
    limit = page.locator("#test_items-0-max_value")
    assert limit.input_value() == "9"
    limit.fill("9.5")
    limit.press("Enter")  # Enter saves (it must not press a row's remove button)
    page.wait_for_url(server.url("/console/products/*?saved=1"))
    assert page.get_by_role("status").inner_text() == "已保存。"
    assert page.locator("#test_items-0-max_value").input_value() == "9.5"

    for link, name in (("企业名录", "console-enterprises"), ("消费者举报", "console-reports")):
        page.get_by_role("link", name=link).click()
        page.wait_for_load_state()
        _checked(page, name)
    assert blocked == []
    context.close()
