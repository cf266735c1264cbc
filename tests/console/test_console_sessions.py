"""Console sign-in: the cookie, CSRF, logout, the timeouts and revocations, the rate limits."""

from __future__ import annotations

from datetime import timedelta

import factories
from console_helpers import client_for, csrf_of, log_in
from sqlalchemy import func, select, update

from app.auth.passwords import hash_password
from app.console.models import ConsoleSession
from app.core.time import utcnow
from app.main import create_app


async def test_unauthenticated_page_redirects_to_login_with_next(browser) -> None:
    response = await browser.get("/console/batches/7?lang=en")
    assert response.status_code == 303
    assert (
        response.headers["location"] == "/console/login?next=%2Fconsole%2Fbatches%2F7%3Flang%3Den"
    )


async def test_login_page_is_chinese_by_default_with_an_english_switch(browser) -> None:
    page = await browser.get("/console/login")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text and "登录管理台" in page.text
    assert 'href="/console/login?lang=en"' in page.text
    english = await browser.get("/console/login?lang=en")
    assert "Log in to the console" in english.text
    assert "Log in to the console" in (await browser.get("/console/login")).text  # remembered
    assert '<label for="username">' in page.text and '<label for="password">' in page.text


async def test_login_sets_a_hardened_cookie_and_leads_to_next(browser, world) -> None:
    response = await log_in(browser, world.licensee.username, next="/console/batches/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/batches/new"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("gimark_console=")
    )
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "secure" in lowered
    dashboard = await browser.get("/console")
    assert dashboard.status_code == 200 and world.licence.number in dashboard.text


async def test_next_never_leaves_the_console(browser, world) -> None:
    response = await log_in(browser, world.licensee.username, next="https://evil.example/")
    assert response.headers["location"] == "/console"


async def test_wrong_password_keeps_the_username_and_says_why(browser, world) -> None:
    response = await log_in(browser, world.licensee.username, password="wrong password!")
    assert response.status_code == 401
    assert f'value="{world.licensee.username}"' in response.text
    assert "用户名或密码错误" in response.text and 'aria-invalid="true"' in response.text


async def test_login_without_its_csrf_token_is_refused(browser, world) -> None:
    await browser.get("/console/login")
    data = {"username": world.licensee.username, "password": factories.PASSWORD}
    response = await browser.post("/console/login", data={**data, "csrf_token": "forged"})
    assert response.status_code == 403


async def test_logout_needs_the_csrf_token_and_ends_the_session(licensee_browser, session) -> None:
    refused = await licensee_browser.post("/console/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 403 and "403" in refused.text
    missing = await licensee_browser.post("/console/logout")
    assert missing.status_code == 403
    page = await licensee_browser.get("/console")
    token = csrf_of(page.text)
    cookie = licensee_browser.cookies["gimark_console"]
    out = await licensee_browser.post("/console/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/console/login"
    assert await session.scalar(select(func.count()).select_from(ConsoleSession)) == 0
    licensee_browser.cookies.set("gimark_console", cookie, domain="testserver")
    assert (await licensee_browser.get("/console")).status_code == 303  # the old cookie is dead


async def _age(session, **fields) -> None:
    await session.execute(update(ConsoleSession).values(**fields))


async def test_idle_timeout(licensee_browser, session) -> None:
    await _age(session, last_seen_at=utcnow() - timedelta(minutes=31))
    assert (await licensee_browser.get("/console")).status_code == 303


async def test_activity_keeps_a_session_alive_until_the_absolute_timeout(
    licensee_browser, session
) -> None:
    await _age(session, last_seen_at=utcnow() - timedelta(minutes=29))
    assert (await licensee_browser.get("/console")).status_code == 200
    await _age(session, created_at=utcnow() - timedelta(hours=12, minutes=1))
    assert (await licensee_browser.get("/console")).status_code == 303


async def test_deactivating_the_account_ends_its_sessions(licensee_browser, world, session) -> None:
    world.licensee.is_active = False
    await session.flush()
    assert (await licensee_browser.get("/console")).status_code == 303


async def test_a_password_change_ends_the_sessions(licensee_browser, world, session) -> None:
    world.licensee.password_hash = hash_password("a brand new password")
    await session.flush()
    assert (await licensee_browser.get("/console")).status_code == 303


async def test_login_attempts_are_limited_per_account(app, world) -> None:
    """Ten tries per account at once, from any mix of addresses; then 429 with Retry-After,
    even for the right password (the limit does not lock the account: it refills)."""
    for n in range(10):
        async with client_for(app, f"203.0.113.{n + 1}") as client:
            response = await log_in(client, world.licensee.username, password="guess")
            assert response.status_code == 401
    async with client_for(app, "203.0.113.99") as client:
        response = await log_in(client, world.licensee.username)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "尝试次数过多" in response.text


async def test_login_attempts_are_limited_per_address(test_settings, database, world) -> None:
    """Three per minute here (30 by default: each argon2 check takes long enough for the
    allowance to refill a little during a test of 30)."""
    settings = test_settings.model_copy(update={"console_logins_per_address_per_minute": 3})
    app = create_app(settings, database)
    async with client_for(app, "203.0.113.50") as client:
        for n in range(3):
            response = await log_in(client, f"nobody{n}", password="guess")
            assert response.status_code == 401
        response = await log_in(client, world.licensee.username)
        assert response.status_code == 429
    async with client_for(app, "203.0.113.51") as elsewhere:
        assert (await log_in(elsewhere, world.licensee.username)).status_code == 303
