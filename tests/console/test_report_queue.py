"""The regulator's work queue of consumer reports on the console (open reports by statutory
deadline, overdue first, with badges), the referral form and its history, and the licensee's
console, which never shows the informant's contact (pages, CSV, dashboard)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

from console_helpers import csrf_of
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core import time as public_time
from app.report.models import ConsumerReport

CONTACT = "李先生 13912345678"


def at(monkeypatch, day: date, hour_utc: int = 2) -> None:
    instant = datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC)
    monkeypatch.setattr(public_time, "utcnow", lambda: instant)


async def _file(browser, session, world, text: str, **form: str) -> ConsumerReport:
    """Filed on the public API (so the clocks are computed), about the world's licensee (as a
    code on one of its labels would have said)."""
    created = await browser.post("/api/v1/reports", data={"what_was_seen": text, **form})
    assert created.status_code == 201, created.text
    report = await session.scalar(
        select(ConsumerReport).where(ConsumerReport.id == created.json()["id"])
    )
    report.enterprise_id = world.licence.enterprise_id
    await session.flush()
    return report


async def test_the_queue_shows_deadlines_with_the_overdue_first(
    regulator_browser, world, session, monkeypatch
) -> None:
    at(monkeypatch, date(2025, 9, 30))
    late = await _file(regulator_browser, session, world, "国庆前收到的举报")
    at(monkeypatch, date(2025, 10, 14))
    fresh = await _file(regulator_browser, session, world, "节后收到的举报")
    at(monkeypatch, date(2025, 10, 20))
    listed = await regulator_browser.get("/console/reports")
    assert "data-queue" in listed.text  # the link to the queue
    queue = await regulator_browser.get("/console/reports", params={"sort": "due"})
    assert queue.status_code == 200 and "逾期在前" in queue.text
    rows = re.findall(r'href="/console/reports/(\d+)"', queue.text)
    assert rows[:2] == [str(late.id), str(fresh.id)]
    first_row = queue.text.split(f'href="/console/reports/{late.id}"', 1)[1].split("</tr>", 1)[0]
    assert "受理 2025-10-16" in first_row and "state-overdue" in first_row
    second_row = queue.text.split(f'href="/console/reports/{fresh.id}"', 1)[1].split("</tr>")[0]
    assert "受理 2025-10-23" in second_row and "state-overdue" not in second_row
    detail = await regulator_browser.get(f"/console/reports/{late.id}", params={"lang": "en"})
    assert "data-overdue" in detail.text and "2025-10-16" in detail.text
    queues = await regulator_browser.get("/console/queues", params={"lang": "zh"})
    assert queues.text.index(f"/console/reports/{late.id}") < queues.text.index(
        f"/console/reports/{fresh.id}"
    )
    assert "已逾期" in queues.text


async def test_referring_on_the_console_is_audited_and_shown(
    regulator_browser, world, session, monkeypatch
) -> None:
    at(monkeypatch, date(2025, 9, 30))
    report = await _file(
        regulator_browser, session, world, "在五原县买到的疑似假冒", where_bought_division="150821"
    )
    page = await regulator_browser.get(f"/console/reports/{report.id}")
    assert f'action="/console/reports/{report.id}/refer"' in page.text
    assert 'value="150821"' in page.text  # the place of purchase is offered
    url = f"/console/reports/{report.id}/refer"
    bad = await regulator_browser.post(
        url, data={"csrf_token": csrf_of(page.text), "to_division": "123", "reason": "属地"}
    )
    assert bad.status_code == 422 and "未能移送" in bad.text
    at(monkeypatch, date(2025, 10, 9))
    done = await regulator_browser.post(
        url,
        data={"csrf_token": csrf_of(page.text), "to_division": "150821", "reason": "属地管辖"},
    )
    assert done.status_code == 303, done.text
    after = await regulator_browser.get(f"/console/reports/{report.id}")
    assert "移送记录" in after.text and "属地管辖" in after.text
    assert "内蒙古自治区巴彦淖尔市五原县（150821）" in after.text
    # 7 working days from 9 October: 10, 11 (a make-up Saturday), 13, 14, 15, 16, 17.
    assert "2025-10-17" in after.text
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_id == str(report.id), AuditEvent.action == "report.refer"
        )
    )
    assert event is not None and event.reason == "属地管辖"
    assert event.after["handling_division"] == "150821"


async def test_the_licensee_console_never_shows_the_contact(
    licensee_browser, world, session, monkeypatch
) -> None:
    at(monkeypatch, date(2025, 9, 30))
    report = await _file(
        licensee_browser, session, world, "包装疑似假冒，电话 13912345678", contact=CONTACT
    )
    at(monkeypatch, date(2025, 10, 20))
    pages = [
        await licensee_browser.get("/console/reports"),
        await licensee_browser.get("/console/reports", params={"sort": "due"}),
        await licensee_browser.get(f"/console/reports/{report.id}"),
        await licensee_browser.get("/console"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "李先生" not in page.text and "13912345678" not in page.text
        assert "/refer" not in page.text
    assert f"/console/reports/{report.id}" in pages[1].text
    exported = await licensee_browser.get("/console/reports", params={"format": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.removeprefix("\ufeff"))))
    assert "联系方式 contact" not in rows[0] and "办理辖区 handling division" not in rows[0]
    assert "李先生" not in exported.text and "13912345678" not in exported.text
    assert "2025-10-16" in exported.text  # the deadline is no secret
    refused = await licensee_browser.post(
        f"/console/reports/{report.id}/refer",
        data={"csrf_token": csrf_of(pages[2].text), "to_division": "150821", "reason": "x"},
    )
    assert refused.status_code == 403
