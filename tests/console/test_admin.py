"""The admin's console pages: accounts (only an admin reaches them; creating and deactivating
are audited), API keys (the secret is shown once), and the label-key ids (never a secret)."""

from __future__ import annotations

import factories
import httpx
import pytest
from console_helpers import client_for, csrf_of, log_in
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import ApiKey, User
from app.core.principal import Role

USERS, KEYS, LABEL_KEYS = "/console/admin/users", "/console/admin/keys", "/console/admin/label-keys"


@pytest.fixture
async def admin_browser(app, session):  # type: ignore[no-untyped-def]
    admin = await factories.user(session, Role.ADMIN, display_name="系统管理员甲")
    async with client_for(app) as client:
        assert (await log_in(client, admin.username)).status_code == 303
        yield client


async def _token(client: httpx.AsyncClient, path: str) -> str:
    return csrf_of((await client.get(path)).text)


async def _events(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(await session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.INSPECTOR, Role.LICENSEE])
async def test_only_an_admin_reaches_the_users_and_label_key_pages(app, session, role) -> None:
    company = await factories.enterprise(session) if role is Role.LICENSEE else None
    account = await factories.user(session, role, company.id if company else None)
    async with client_for(app) as client:
        assert (await log_in(client, account.username)).status_code == 303
        home = await client.get("/console")
        assert USERS not in home.text and LABEL_KEYS not in home.text  # not in the menu
        for path in (USERS, LABEL_KEYS):
            assert (await client.get(path)).status_code == 403
        refused = await client.post(USERS, data={"csrf_token": csrf_of(home.text)})
        assert refused.status_code == 403
        # Keys are every role's but the inspector's, as POLICY says (their own scope).
        expected = 403 if role is Role.INSPECTOR else 200
        assert (await client.get(KEYS)).status_code == expected


async def test_the_users_page_lists_names_not_ids(admin_browser, session) -> None:
    company = await factories.enterprise(session, name="五原县丰瑞农业开发有限公司")
    await factories.user(session, Role.LICENSEE, company.id, display_name="王经理")
    page = await admin_browser.get(USERS)
    assert page.status_code == 200
    assert "王经理" in page.text and "五原县丰瑞农业开发有限公司" in page.text
    assert "获准使用企业" in page.text and 'aria-current="page"' in page.text


async def test_creating_a_licensee_account_is_audited(admin_browser, session) -> None:
    company = await factories.enterprise(session, name="五原县新农业有限公司")
    form = {
        "csrf_token": await _token(admin_browser, USERS),
        "username": "zhang.manager",
        "display_name": "张经理",
        "password": "a long enough password",
        "role": "licensee",
        "enterprise_id": str(company.id),
    }
    answer = await admin_browser.post(USERS, data=form)
    assert answer.status_code == 303, answer.text
    user = await session.scalar(select(User).where(User.username == "zhang.manager"))
    assert user is not None and user.enterprise_id == company.id and user.role is Role.LICENSEE
    [event] = await _events(session, "user.create")
    assert event.object_id == str(user.id)
    listed = await admin_browser.get(answer.headers["location"])
    assert "zhang.manager" in listed.text and "张经理" in listed.text


async def test_a_refused_account_keeps_what_was_typed_and_says_why_by_the_field(
    admin_browser, session
) -> None:
    form = {
        "csrf_token": await _token(admin_browser, USERS + "?lang=en"),
        "username": "no spaces allowed",
        "display_name": "Li Clerk",
        "password": "short",
        "role": "licensee",
        "enterprise_id": "",
    }
    answer = await admin_browser.post(USERS, data=form)
    assert answer.status_code == 422
    text = answer.text
    assert 'value="no spaces allowed"' in text and 'value="Li Clerk"' in text
    assert 'id="username-error"' in text and 'id="password-error"' in text
    assert "A licensee account belongs to one enterprise" in text  # the page's language
    assert 'value="licensee" selected' in text and "short" not in text  # never the password
    assert await _events(session, "user.create") == []


async def test_deactivating_asks_first_ends_the_login_and_can_be_undone(
    admin_browser, app, session
) -> None:
    clerk = await factories.user(session, Role.REGULATOR, display_name="李科员")
    async with client_for(app, "198.51.100.8") as clerk_browser:
        assert (await log_in(clerk_browser, clerk.username)).status_code == 303
        confirm = await admin_browser.get(f"{USERS}/{clerk.id}/deactivate")
        assert confirm.status_code == 200 and "李科员" in confirm.text
        token = csrf_of(confirm.text)
        done = await admin_browser.post(
            f"{USERS}/{clerk.id}/deactivate", data={"csrf_token": token}
        )
        assert done.status_code == 303
        assert (await clerk_browser.get("/console")).status_code == 303  # back to login
    await session.refresh(clerk)
    assert clerk.is_active is False and len(await _events(session, "user.deactivate")) == 1
    again = await admin_browser.post(f"{USERS}/{clerk.id}/reactivate", data={"csrf_token": token})
    assert again.status_code == 303
    await session.refresh(clerk)
    assert clerk.is_active is True and len(await _events(session, "user.reactivate")) == 1


async def test_a_forged_csrf_token_is_refused_and_changes_nothing(admin_browser, session) -> None:
    clerk = await factories.user(session, Role.REGULATOR)
    forged = {"csrf_token": "forged"}
    refused = await admin_browser.post(f"{USERS}/{clerk.id}/deactivate", data=forged)
    assert refused.status_code == 403
    missing = await admin_browser.post(KEYS, data={"name": "erp"})
    assert missing.status_code == 403
    await session.refresh(clerk)
    assert clerk.is_active is True
    assert list(await session.scalars(select(ApiKey))) == []


async def test_a_keys_secret_is_shown_once(admin_browser, session) -> None:
    token = await _token(admin_browser, KEYS)
    created = await admin_browser.post(KEYS, data={"csrf_token": token, "name": "印刷厂"})
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    key = await session.scalar(select(ApiKey).where(ApiKey.name == "印刷厂"))
    assert key is not None
    secret = created.text.split(f"gmk_{key.prefix}_", 1)[1].split('"', 1)[0]
    assert len(secret) > 20
    listed = await admin_browser.get(KEYS)
    assert "印刷厂" in listed.text and f"gmk_{key.prefix}_" in listed.text
    assert secret not in listed.text
    assert secret not in (await admin_browser.get(f"{KEYS}/{key.id}/revoke")).text
    assert len(await _events(session, "api_key.create")) == 1


async def test_revoking_a_key_asks_first(admin_browser, session) -> None:
    token = await _token(admin_browser, KEYS)
    await admin_browser.post(KEYS, data={"csrf_token": token, "name": "ERP"})
    key = await session.scalar(select(ApiKey).where(ApiKey.name == "ERP"))
    assert key is not None
    confirm = await admin_browser.get(f"{KEYS}/{key.id}/revoke")
    assert confirm.status_code == 200 and f"gmk_{key.prefix}_" in confirm.text
    done = await admin_browser.post(f"{KEYS}/{key.id}/revoke", data={"csrf_token": token})
    assert done.status_code == 303
    await session.refresh(key)
    assert key.revoked_at is not None


async def test_a_licensee_sees_only_its_enterprises_keys(app, session) -> None:
    mine, theirs = await factories.enterprise(session), await factories.enterprise(session)
    manager = await factories.user(session, Role.LICENSEE, mine.id)
    other = await factories.user(session, Role.LICENSEE, theirs.id)
    session.add(
        ApiKey(
            name="别家的密钥",
            prefix="abcdef012345",
            secret_hash="0" * 64,
            role=Role.LICENSEE,
            enterprise_id=theirs.id,
            created_by_id=other.id,
        )
    )
    await session.flush()
    key = await session.scalar(select(ApiKey).where(ApiKey.name == "别家的密钥"))
    assert key is not None
    async with client_for(app) as client:
        assert (await log_in(client, manager.username)).status_code == 303
        page = await client.get(KEYS)
        assert page.status_code == 200 and "别家的密钥" not in page.text
        assert 'name="role"' not in page.text  # a licensee's key has the licensee's scope
        assert (await client.get(f"{KEYS}/{key.id}/revoke")).status_code == 404


async def test_the_label_key_page_shows_ids_and_use_never_a_secret(
    admin_browser, app, session
) -> None:
    settings = app.state.settings
    product = await factories.product(session)
    company = await factories.enterprise(session)
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(session, licence, quantity=40)
    batch.key_id = settings.label_current_key_id
    await session.flush()
    page = await admin_browser.get(LABEL_KEYS)
    assert page.status_code == 200
    current = settings.label_current_key_id
    assert f"<code>{current}</code>" in page.text
    assert f'data-key="{current}-labels">40<' in page.text
    for secret in settings.label_keys.values():
        assert secret.lower() not in page.text.lower()
        assert secret[:16].lower() not in page.text.lower()
