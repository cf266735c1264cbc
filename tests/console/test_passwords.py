"""Passwords (issue 12, accounts): an admin's reset, the forced change at first login, one's own
change; each ends the account's other sessions, console and API alike."""

from __future__ import annotations

import re

import factories
import pytest
from console_helpers import client_for, csrf_of, log_in
from sqlalchemy import select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.auth.models import RefreshFamily, User
from app.auth.passwords import verify_password
from app.core.principal import Role

NEW = "my very own password"


@pytest.fixture
async def admin(session) -> User:  # type: ignore[no-untyped-def]
    return await factories.user(session, Role.ADMIN, display_name="系统管理员甲")


async def _events(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    await audit.append_pending(session)
    return list(await session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


async def _change(client, current: str, new: str = NEW, confirm: str | None = None):  # type: ignore[no-untyped-def]
    token = csrf_of((await client.get("/console/password")).text)
    data = {
        "csrf_token": token,
        "current_password": current,
        "password": new,
        "password_confirm": new if confirm is None else confirm,
    }
    return await client.post("/console/password", data=data)


async def test_a_reset_shows_a_temporary_password_once_and_forces_a_change(
    app, session, admin
) -> None:
    clerk = await factories.user(session, Role.REGULATOR, display_name="王科员")
    async with client_for(app, "198.51.100.20") as clerk_browser:
        assert (await log_in(clerk_browser, clerk.username)).status_code == 303
        api = await factories.login(clerk_browser, clerk.username)
        async with client_for(app) as admin_browser:
            assert (await log_in(admin_browser, admin.username)).status_code == 303
            path = f"/console/admin/users/{clerk.id}/password"
            confirm = await admin_browser.get(path)
            assert confirm.status_code == 200 and "王科员" in confirm.text
            done = await admin_browser.post(path, data={"csrf_token": csrf_of(confirm.text)})
        assert done.status_code == 200 and done.headers["cache-control"] == "no-store"
        temporary = re.search(r'id="temporary" value="([^"]+)"', done.text)
        assert temporary, done.text
        await session.refresh(clerk)
        assert clerk.must_change_password and verify_password(
            temporary.group(1), clerk.password_hash
        )
        # the clerk's console session and API login ended
        assert (await clerk_browser.get("/console")).status_code == 303
        assert (await clerk_browser.get("/api/v1/auth/me", headers=api)).status_code in (401, 403)
        families = await session.scalars(
            select(RefreshFamily).where(RefreshFamily.user_id == clerk.id)
        )
        assert all(family.revoked_at is not None for family in families)
        # the API gives no token until the password is changed, and says where
        refused = await clerk_browser.post(
            "/api/v1/auth/token", data={"username": clerk.username, "password": temporary.group(1)}
        )
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "password_change_required"
        assert "/console/login" in refused.json()["detail"]
        # the console: login leads to the change page, every other page too
        signed_in = await log_in(clerk_browser, clerk.username, temporary.group(1))
        assert signed_in.headers["location"] == "/console/password"
        elsewhere = await clerk_browser.get("/console/queues")
        assert elsewhere.status_code == 303 and elsewhere.headers["location"] == "/console/password"
        page = await clerk_browser.get("/console/password")
        assert 'id="forced-note"' in page.text
        changed = await _change(clerk_browser, temporary.group(1))
        assert changed.status_code == 303, changed.text
        assert (await clerk_browser.get("/console/queues")).status_code == 200
    await session.refresh(clerk)
    assert not clerk.must_change_password
    reset = await _events(session, "user.password_reset")
    assert len(reset) == 1 and reset[0].after == {"must_change_password": True, "generated": True}
    assert len(await _events(session, "user.password_change")) == 1


async def test_an_admin_may_set_the_password_and_a_short_one_is_refused_by_the_field(
    app, session, admin
) -> None:
    clerk = await factories.user(session, Role.INSPECTOR)
    async with client_for(app) as admin_browser:
        await log_in(admin_browser, admin.username)
        path = f"/console/admin/users/{clerk.id}/password"
        token = csrf_of((await admin_browser.get(path)).text)
        short = {
            "csrf_token": token,
            "choice": "set",
            "password": "short",
            "password_confirm": "short",
        }
        refused = await admin_browser.post(path, data=short)
        assert refused.status_code == 422 and 'id="password-error"' in refused.text
        assert 'id="choice-set" name="choice" value="set" checked' in refused.text
        chosen = {**short, "password": "handed over pw", "password_confirm": "handed over pw"}
        done = await admin_browser.post(path, data=chosen)
        assert done.status_code == 200 and 'id="temporary"' not in done.text
    await session.refresh(clerk)
    assert clerk.must_change_password and verify_password("handed over pw", clerk.password_hash)


async def test_only_an_admin_resets(app, session, world) -> None:
    async with client_for(app) as browser:
        await log_in(browser, world.regulator.username)
        path = f"/console/admin/users/{world.licensee.id}/password"
        assert (await browser.get(path)).status_code == 403


async def test_a_new_account_made_on_the_users_page_must_change_its_password(
    app, session, admin
) -> None:
    bureau = await factories.organisation(session)
    async with client_for(app) as browser:
        await log_in(browser, admin.username)
        token = csrf_of((await browser.get("/console/admin/users")).text)
        body = {
            "csrf_token": token,
            "username": "newclerk",
            "display_name": "新科员",
            "password": "first password",
            "role": "regulator",
            "organisation_id": str(bureau.id),
        }
        assert (await browser.post("/console/admin/users", data=body)).status_code == 303
    created = await session.scalar(select(User).where(User.username == "newclerk"))
    assert created is not None and created.must_change_password


async def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(
    app, session, world
) -> None:
    name = world.licensee.username
    async with client_for(app) as mine, client_for(app, "198.51.100.30") as other:
        await log_in(mine, name)
        await log_in(other, name)
        api = await factories.login(other, name)
        wrong = await _change(mine, "not my password")
        assert wrong.status_code == 422 and 'id="current_password-error"' in wrong.text
        differ = await _change(mine, factories.PASSWORD, confirm="something else")
        assert differ.status_code == 422 and 'id="password_confirm-error"' in differ.text
        short = await _change(mine, factories.PASSWORD, new="short")
        assert short.status_code == 422 and 'id="password-error"' in short.text
        assert NEW not in short.text and factories.PASSWORD not in short.text
        done = await _change(mine, factories.PASSWORD)
        assert done.status_code == 303
        assert (await mine.get("/console")).status_code == 200
        assert (await other.get("/console")).status_code == 303
        assert (await other.get("/api/v1/auth/me", headers=api)).status_code == 401
    await session.refresh(world.licensee)
    assert verify_password(NEW, world.licensee.password_hash)
