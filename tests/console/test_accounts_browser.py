"""Accounts and expired sessions in a real Chromium (issue 12): an account whose password an
admin set is held on the change-password page until it picks its own; a licensee whose session
ends while filling in a batch request logs in again and sends the form with one click, nothing
retyped. Each page passes axe (no serious or critical violation) and is screenshotted at laptop
and tablet size.

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
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import hash_password
from app.core.db import Database
from app.core.principal import Role
from app.core.time import public_today

pytestmark = [pytest.mark.dbless, needs_chromium]

TEMPORARY = "Handed0ver-once"
OWN = "my own long password"


def _seed(settings: Any) -> Any:
    demo = demo_seed(settings)

    async def seed(database: Database) -> None:
        await demo(database)
        async with database.sessionmaker() as session, session.begin():
            # a clerk of the demo regulator's bureau: staff work for an organisation (issue 14)
            bureau = await session.scalar(
                select(User.organisation_id).where(User.username == "regulator")
            )
            session.add(
                User(
                    username="newclerk",
                    display_name="新来的科员",
                    password_hash=hash_password(TEMPORARY),
                    role=Role.REGULATOR,
                    must_change_password=True,
                    organisation_id=bureau,
                )
            )

    return seed


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("accounts-browser")
    settings = sqlite_settings(test_settings, folder)
    settings = settings.model_copy(update={"public_base_url": "http://127.0.0.1"})
    with live_server(settings, folder, _seed(settings)) as running:
        yield running


def _log_in(page: Any, username: str, password: str) -> None:
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="登录").click()


def test_forced_change_then_a_form_survives_an_expired_session(server, chromium_browser) -> None:  # noqa: F811
    context, blocked = offline_context(chromium_browser, locale="zh-CN")
    page = context.new_page()

    # an account whose password an admin set: held on the change page
    page.goto(server.url("/console"))
    _log_in(page, "newclerk", TEMPORARY)
    page.wait_for_url(server.url("/console/password"))
    assert page.locator("#forced-note").is_visible()
    page.goto(server.url("/console/queues"))
    page.wait_for_url(server.url("/console/password"))
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-forced-password-change", full_page=True)
    page.locator("#current_password").fill(TEMPORARY)
    page.locator("#password").fill(OWN)
    page.locator("#password_confirm").fill(OWN)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(server.url("/console?password=changed"))
    page.goto(server.url("/console/queues"))
    assert page.url == server.url("/console/queues")
    context.clear_cookies()

    # a licensee fills in a batch request; the session ends before it is sent
    page.goto(server.url("/console"))
    _log_in(page, "licensee", "demo-licensee-pass")
    page.wait_for_url(server.url("/console"))
    page.goto(server.url("/console/batches/new"))
    page.locator("#licence_id").select_option(index=0)
    page.locator("#lot_number").fill("WY-2026-777")
    page.locator("#quantity").fill("60")
    page.locator("#unit").fill("袋 0.5 kg")
    page.locator("#production_date").fill((public_today() - timedelta(days=2)).isoformat())
    page.locator("#origin").fill("五原县隆兴昌镇新华村")
    # Wuyuan sunflower seeds are drawn from a recorded harvest (issue 15): the first offered
    harvest = page.locator("#sources-choices .code").first.inner_text()
    page.locator("#sources").fill(f"{harvest} 40")  # × the factor 0.9 ≥ 30 kg
    context.clear_cookies()  # the session expired meanwhile
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    assert page.locator("#carried-note").is_visible()
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-login-keeps-the-form", full_page=True)
    _log_in(page, "licensee", "demo-licensee-pass")
    page.wait_for_load_state()
    assert (found := axe_violations(page)) == [], describe(found)
    screenshot(page, "console-continue-the-form", full_page=True)
    page.get_by_role("button", name="继续提交").click()
    page.wait_for_url(server.url("/console/batches/*"))
    assert page.get_by_text("WY-2026-777").first.is_visible()
    assert page.get_by_text("五原县隆兴昌镇新华村").first.is_visible()
    assert blocked == []
    context.close()
