"""The regulator's supervision journey in a real Chromium: the roster page, an import refused
with its bad line listed, the good rows imported on request, then the use-rate page with the
enterprise that did not use the mark; each page passes axe (no serious or critical violation)
and is screenshotted at laptop and tablet size.

A module of its own: while Chromium is open, asyncio tests cannot run (tests/browser.py)."""

from __future__ import annotations

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

from app.core.time import public_today
from app.enterprise.uscc import compose

pytestmark = [pytest.mark.dbless, needs_chromium]

NEWCOMER = "五原县葵花新农合作社"
NEWCOMER_USCC = compose("93", "150821", "MA0R5T7W")


def _roster_file() -> bytes:
    today = public_today().isoformat()
    rows = [
        "uscc,name,division_code,kind,exporter,source,on_roster",
        f"{NEWCOMER_USCC},{NEWCOMER},150821,种植合作社,否,乡镇摸底,{today}",
        f"{NEWCOMER_USCC[:-1]}0,错码企业,150821,加工企业,否,乡镇摸底,{today}",
    ]
    return "\n".join(rows).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("supervision-browser")
    settings = sqlite_settings(test_settings, folder)
    settings = settings.model_copy(update={"public_base_url": "http://127.0.0.1"})
    with live_server(settings, folder, demo_seed(settings)) as running:
        yield running


def test_regulator_imports_the_roster_and_reads_the_rate(server, chromium_browser) -> None:  # noqa: F811
    context, blocked = offline_context(chromium_browser, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url("/console"))
    page.get_by_label("用户名").fill("regulator")
    page.get_by_label("密码").fill("demo-regulator-pass")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server.url("/console"))

    page.get_by_role("link", name="生产经营主体名录").click()
    page.wait_for_url(server.url("/console/roster"))
    upload = {"name": "名录.csv", "mimeType": "text/csv", "buffer": _roster_file()}
    page.get_by_label("名录文件").set_input_files(upload)
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#import-problems td", has_text="(check)").is_visible()
    assert page.get_by_text(NEWCOMER).count() == 0  # nothing was written
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-roster-import-refused", full_page=True)

    page.get_by_label("名录文件").set_input_files(upload)
    page.get_by_label("有错误行时，仍导入正确的行").check()
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name=NEWCOMER, exact=True).is_visible()

    page.get_by_role("link", name="专用标志使用率").click()
    page.wait_for_url(server.url("/console/use-rate"))
    page.get_by_role("button", name="计算").click()
    page.wait_for_load_state()
    # on the roster, no labels issued: a non-user
    assert page.get_by_role("cell", name=NEWCOMER, exact=True).is_visible()
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-use-rate", full_page=True)
    assert blocked == []
    context.close()
