"""The statistics page in a real Chromium: a regulator opens it from the menu, sees the "as of"
and the charts drawn (SVG with bars) each beside its table of numbers, narrows it to a product,
and the page passes axe at laptop and tablet size (screenshots kept).

A module of its own: while Chromium is open, asyncio tests cannot run (tests/browser.py)."""

from __future__ import annotations

from datetime import timedelta
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

from app.core.db import Database
from app.core.time import utcnow
from app.statistics import rollup

pytestmark = [pytest.mark.dbless, needs_chromium]


def _seed(settings: Any) -> Any:
    demo = demo_seed(settings)

    async def seed(database: Database) -> None:
        await demo(database)
        async with database.sessionmaker() as session, session.begin():
            # as the refresh job would, once the demo's rows have settled
            await rollup.refresh(session, utcnow() + timedelta(minutes=2))

    return seed


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("statistics-browser")
    settings = sqlite_settings(test_settings, folder)
    with live_server(settings, folder, _seed(settings)) as running:
        yield running


def test_a_regulator_reads_the_statistics_with_their_charts(server, chromium_browser) -> None:  # noqa: F811
    context, blocked = offline_context(chromium_browser, locale="zh-CN")
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.url("/console"))
    page.get_by_label("用户名").fill("regulator")
    page.get_by_label("密码").fill("demo-regulator-pass")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server.url("/console"))

    page.get_by_role("link", name="统计分析").click()
    page.wait_for_url(server.url("/console/statistics"))
    assert "数据截至" in page.locator("[data-as-of]").inner_text()
    charts = page.locator("svg.chart")
    assert charts.count() == 7
    labels_chart = page.locator("#chart-labels")
    assert labels_chart.is_visible()
    assert labels_chart.bounding_box()["width"] > 300
    assert page.locator("#chart-labels rect.bar").count() >= 3
    assert page.locator('[data-table="labels"] tbody tr').count() >= 1
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-statistics", full_page=True)

    page.get_by_label("产品").select_option(index=1)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(server.url("/console/statistics?*"))
    assert page.get_by_role("link", name="下载 PDF").is_visible()
    page.set_viewport_size({"width": 768, "height": 1024})
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-statistics-product", full_page=True)
    assert blocked == []
    context.close()
