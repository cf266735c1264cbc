"""A form sent after its session expired loses nothing (issue 12, point 8): the login page
carries what was typed (never a password or the dead CSRF token), and after login one click
sends it with a fresh token. And a double-submitted create-key form makes one key."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import factories
from console_helpers import client_for, csrf_of, log_in
from sqlalchemy import delete, func, select

from app.auth.models import ApiKey
from app.console.models import ConsoleSession
from app.core.principal import Role
from app.core.time import public_today
from app.idempotency.models import IdempotencyRecord
from app.label.models import LabelBatch

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _hidden(html: str) -> list[tuple[str, str]]:
    return [(name, unescape(value)) for name, value in HIDDEN.findall(html)]


async def test_an_expired_session_keeps_the_batch_form_through_login(
    licensee_browser, world, session
) -> None:
    form = await licensee_browser.get("/console/batches/new")
    typed = {
        "csrf_token": csrf_of(form.text),
        "idempotency_key": "keep-1",
        "licence_id": str(world.licence.id),
        "lot_number": "WY-2026-088",
        "quantity": "120",
        "unit": "袋 0.5 kg",
        "production_date": (public_today() - timedelta(days=1)).isoformat(),
        "origin": '五原县 <隆兴昌镇> "东"',
        "password": "never echoed",
    }
    await session.execute(delete(ConsoleSession))  # the session expired meanwhile
    login_page = await licensee_browser.post("/console/batches/new", data=typed)
    assert login_page.status_code == 200 and 'id="carried-note"' in login_page.text
    hidden = dict(_hidden(login_page.text))
    assert hidden["next"] == "/console/batches/new"
    assert hidden["carry.origin"] == typed["origin"] and hidden["carry.lot_number"] == "WY-2026-088"
    assert "carry.password" not in hidden and "carry.csrf_token" not in hidden
    assert "never echoed" not in login_page.text and typed["csrf_token"] not in login_page.text
    # a wrong password keeps it too
    carried = {name: value for name, value in hidden.items() if name.startswith("carry.")}
    extra = {"next": hidden["next"], **carried}
    wrong = await log_in(licensee_browser, world.licensee.username, "wrong password", **extra)
    assert wrong.status_code == 401 and dict(_hidden(wrong.text))["carry.origin"] == typed["origin"]
    resubmit = await log_in(licensee_browser, world.licensee.username, **extra)
    assert resubmit.status_code == 200 and 'action="/console/batches/new"' in resubmit.text
    fields = _hidden(resubmit.text)
    again = dict(fields)
    assert again["csrf_token"] != typed["csrf_token"] and again["origin"] == typed["origin"]
    assert await session.scalar(select(func.count()).select_from(LabelBatch)) == 0
    sent = await licensee_browser.post("/console/batches/new", data=again)
    assert sent.status_code == 303, sent.text
    made = await session.scalar(select(LabelBatch))
    assert made is not None and made.lot_number == "WY-2026-088" and made.origin == typed["origin"]


async def test_without_a_session_a_page_is_a_plain_redirect_and_a_bare_post_too(browser) -> None:
    page = await browser.get("/console/queues")
    assert page.status_code == 303
    logout = await browser.post("/console/logout", data={"csrf_token": "x"})
    assert logout.status_code == 303 and logout.headers["location"].startswith("/console/login")


async def test_a_double_submitted_key_form_makes_one_key_and_shows_its_secret_twice(
    app, session
) -> None:
    admin = await factories.user(session, Role.ADMIN)
    async with client_for(app) as browser:
        await log_in(browser, admin.username)
        form = await browser.get("/console/admin/keys")
        key_token = form.text.split('name="idempotency_key" value="')[1].split('"')[0]
        data = {"csrf_token": csrf_of(form.text), "idempotency_key": key_token, "name": "印刷厂"}
        first = await browser.post("/console/admin/keys", data=data)
        second = await browser.post("/console/admin/keys", data=data)  # double click
        changed = await browser.post("/console/admin/keys", data={**data, "name": "另一个"})
    assert first.status_code == second.status_code == 201
    keys = list(await session.scalars(select(ApiKey)))
    assert len(keys) == 1
    secret = re.search(r'id="secret" value="([^"]+)"', first.text)
    assert secret and secret.group(1).startswith(f"gmk_{keys[0].prefix}_")
    assert f'id="secret" value="{secret.group(1)}"' in second.text
    # the record holds neither the form's token nor the secret in the clear
    record = await session.scalar(select(IdempotencyRecord))
    assert record is not None and key_token not in record.key
    assert secret.group(1) not in str(record.response_body)
    assert changed.status_code == 422 and "已提交过一次" in changed.text
    assert len(list(await session.scalars(select(ApiKey)))) == 1
