"""The audit trail on the console: filters (action, actor, object, days), keyset pages that
keep the filters, the CSV export, and verifying the chain from the page: ok, or the first
event altered. A licensee is refused, as on the API."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from console_helpers import csrf_of, log_in
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.console import audit_trail
from app.core.time import public_today


@pytest.fixture
async def regulator_browser(browser, world):  # type: ignore[no-untyped-def]
    assert (await log_in(browser, world.regulator.username)).status_code == 303
    return browser


@pytest.fixture
async def acted(regulator_browser, world):  # type: ignore[no-untyped-def]
    """Two audited acts on the licence through the console: suspend, reinstate."""
    here = f"/console/licences/{world.licence.id}"
    token = csrf_of((await regulator_browser.get(here)).text)
    for act, reason in (("suspend", "检查期间暂停"), ("reinstate", "检查结束")):
        data = {"csrf_token": token, "reason": reason, "step": "confirmed"}
        assert (await regulator_browser.post(f"{here}/{act}", data=data)).status_code == 303
    return regulator_browser


def _seqs(html: str) -> list[str]:
    return [cell.split("<")[0] for cell in html.split('<td class="num">')[1:]]


async def test_filters_narrow_the_trail(acted, world, session) -> None:
    licence_id = str(world.licence.id)
    page = await acted.get(
        "/console/audit", params={"action": "licence.suspend", "object_id": licence_id}
    )
    assert page.status_code == 200
    assert "检查期间暂停" in page.text and "检查结束" not in page.text
    by_object = await acted.get(
        "/console/audit", params={"object_type": "licence", "object_id": licence_id}
    )
    assert "检查期间暂停" in by_object.text and "检查结束" in by_object.text
    actor = await session.scalar(select(AuditEvent.actor).where(AuditEvent.reason == "检查结束"))
    assert actor
    mine = await acted.get(
        "/console/audit", params={"actor": actor[-6:], "action": "licence.reinstate"}
    )
    assert "检查结束" in mine.text
    nobody = await acted.get("/console/audit", params={"actor": "nobody-at-all"})
    assert "检查结束" not in nobody.text and "没有符合条件的记录" in nobody.text
    today = public_today()
    within = await acted.get(
        "/console/audit", params={"since": today.isoformat(), "until": today.isoformat()}
    )
    assert "检查结束" in within.text
    yesterday = (today - timedelta(days=1)).isoformat()
    before = await acted.get("/console/audit", params={"until": yesterday})
    assert "检查结束" not in before.text
    refused = await acted.get("/console/audit", params={"since": "30/11/2026", "lang": "en"})
    assert refused.status_code == 422 and 'id="f-since-error"' in refused.text
    assert 'value="30/11/2026"' in refused.text and "YYYY-MM-DD" in refused.text


async def test_pages_keep_the_filters_and_the_csv_follows_them(acted, world, monkeypatch) -> None:
    monkeypatch.setattr(audit_trail, "PAGE_SIZE", 1)
    params = {"object_type": "licence", "object_id": str(world.licence.id)}
    first = await acted.get("/console/audit", params=params)
    assert "检查结束" in first.text and "检查期间暂停" not in first.text  # newest first
    link = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "object_type=licence" in link and "cursor=" in link
    second = await acted.get(link.replace("&amp;", "&"))
    assert "检查期间暂停" in second.text and "检查结束" not in second.text

    exported = await acted.get("/console/audit/export.csv", params=params)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert [row["action"] for row in rows] == ["licence.reinstate", "licence.suspend"]
    assert rows[1]["reason"] == "检查期间暂停" and '"status": "suspended"' in rows[1]["after"]


async def test_verify_the_chain_from_the_page(acted, world, session) -> None:
    intact = await acted.get("/console/audit/verify")
    assert intact.status_code == 200 and 'id="verification"' in intact.text
    assert "哈希链完整" in intact.text

    seq = await session.scalar(select(AuditEvent.seq).where(AuditEvent.reason == "检查期间暂停"))
    await _drop_guard(session)
    await session.execute(
        text("UPDATE audit_event SET reason = 'nothing happened' WHERE seq = :seq"), {"seq": seq}
    )
    broken = await acted.get("/console/audit/verify")
    assert "哈希链已损坏" in broken.text and f"第一处问题在第 {seq} 条记录" in broken.text


async def _drop_guard(session) -> None:  # type: ignore[no-untyped-def]
    """As a database owner could: the append-only triggers off (the test rolls back)."""
    if session.get_bind().dialect.name == "sqlite":
        for trigger in ("audit_event_no_update", "audit_event_no_delete"):
            await session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    else:
        await session.execute(
            text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete")
        )


async def test_a_licensee_is_refused(licensee_browser) -> None:
    for url in ("/console/audit", "/console/audit/verify", "/console/audit/export.csv"):
        assert (await licensee_browser.get(url)).status_code == 403, url
