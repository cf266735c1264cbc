"""The admin's journey in a real Chromium: open the users page from the menu, create a
licensee account (the enterprise chosen by name), create an API key and copy its secret (gone
on the next page), revoke it after the confirmation page, read the label-key ids. Each page
is screenshotted at laptop and tablet size and checked by axe-core (no serious or critical
violation); nothing is fetched from another host."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import (
    axe_violations,
    chromium_browser,  # noqa: F401 - a fixture
    demo_seed,
    describe,
    live_server,
    needs_chromium,
    offline_context,
    screenshot,
    sqlite_settings,
)

pytestmark = [pytest.mark.dbless, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("admin-browser")
    settings = sqlite_settings(test_settings, folder)
    # The cookie's Secure flag follows the public URL's scheme: plain http on loopback here.
    port_free = settings.model_copy(update={"public_base_url": "http://127.0.0.1"})
    with live_server(port_free, folder, demo_seed(port_free)) as running:
        yield running


def _check(page: Any, name: str) -> None:
    screenshot(page, f"console-admin-{name}", full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_admin_journey(server, chromium_browser) -> None:  # noqa: F811 - the fixture
    context, blocked = offline_context(chromium_browser, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url("/console/login"))
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("demo-admin-pass")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server.url("/console"))

    page.get_by_role("link", name="用户与角色").click()
    page.wait_for_url(server.url("/console/admin/users"))
    _check(page, "users")
    page.get_by_label("用户名").fill("wang.qa")
    page.get_by_label("姓名").fill("王质量")
    page.get_by_label("初始密码").fill("a long enough password")
    page.get_by_label("角色").select_option(label="获准使用企业")
    enterprise = page.get_by_label("所属企业")
    names = [n for n in enterprise.locator("option").all_inner_texts() if "演示" in n]
    enterprise.select_option(label=names[0])
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_url("**/console/admin/users?created=wang.qa")
    row = page.get_by_role("row").filter(has_text="wang.qa")
    assert names[0] in row.inner_text() and "王质量" in row.inner_text()

    page.get_by_role("link", name="API 密钥").click()
    page.get_by_label("名称").fill("印刷厂")
    page.get_by_role("button", name="创建密钥").click()
    secret = page.get_by_label("API 密钥", exact=True).input_value()
    assert secret.startswith("gmk_")
    _check(page, "key-created")
    page.get_by_role("link", name="我已保存，返回密钥列表").click()
    assert secret not in page.content() and secret[:17] in page.content()  # its prefix only
    page.reload()
    assert secret not in page.content()
    _check(page, "keys")

    page.get_by_role("link", name="吊销 印刷厂").click()
    _check(page, "key-revoke")
    page.get_by_role("button", name="确认吊销").click()
    page.wait_for_url(server.url("/console/admin/keys"))
    assert page.get_by_role("row").filter(has_text="印刷厂").get_by_text("已吊销").is_visible()

    page.get_by_role("link", name="标签密钥编号").click()
    _check(page, "label-keys")
    text = page.content().lower()
    for key in server.settings.label_keys.values():
        assert key.lower() not in text
    assert blocked == []
    context.close()
