"""Consumer reports and their legal clocks: receipt numbers and the public status page,
statutory deadlines in working days (across National Day 2025 and its make-up days), the
overdue-first queue, referral to another jurisdiction (audited), and the informant's contact,
which never reaches the enterprise reported."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import factories
from sqlalchemy import select
from verification_fixtures import client_from

from app.audit.models import AuditEvent
from app.core import time as public_time
from app.core.principal import Role
from app.core.workdays import WorkingCalendar
from app.main import create_app
from app.report import receipt as receipts
from app.report.deadlines import clocks, due_end
from app.report.models import ConsumerReport, ReportReferral

CONTACT = "王女士 139-1234-5678"
# Rows are stamped with the real time (created_at); the deadlines follow the frozen clock.
PERIOD = {"from": "2025-01-01", "to": "2029-12-31"}
RECEIPT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def at(monkeypatch, day: date, hour_utc: int = 2) -> None:
    """Freeze the public clock (every ``app.core.time`` reader) at ``hour_utc`` on ``day``."""
    instant = datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC)
    monkeypatch.setattr(public_time, "utcnow", lambda: instant)


# --- the clocks themselves -------------------------------------------------------------------


def test_the_seven_working_days_cross_national_day_2025() -> None:
    """National Day 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are
    make-up working days (State Council notice, as the calendar package carries it)."""
    calendar = WorkingCalendar()
    # Received Tuesday 30 Sep: 9, 10, 11 (the make-up Saturday), 13, 14, 15, 16 October.
    on_eve = clocks(calendar, date(2025, 9, 30), 30)
    assert on_eve.accept_by == date(2025, 10, 16)
    assert on_eve.finish_by == date(2025, 11, 18)
    # Received Friday 26 Sep: 28 (make-up Sunday), 29, 30 Sep, 9, 10, 11, 13 October.
    assert clocks(calendar, date(2025, 9, 26), 30).accept_by == date(2025, 10, 13)
    # Without the make-up days it would be two working days later: they count.
    no_makeup = WorkingCalendar({date(2025, 9, 28): False, date(2025, 10, 11): False})
    assert clocks(no_makeup, date(2025, 9, 26), 30).accept_by == date(2025, 10, 15)
    # The clock runs out at the end of the day in Beijing: 16:00 UTC.
    assert due_end(date(2025, 10, 16)) == datetime(2025, 10, 16, 16, tzinfo=UTC)


def test_a_year_the_calendar_does_not_know_gives_no_deadline_rather_than_a_wrong_one() -> None:
    found = clocks(WorkingCalendar(), date(2099, 3, 2), 30)
    assert found.accept_by is None and found.finish_by is None


def test_receipts_are_random_grouped_and_read_forgivingly() -> None:
    drawn = {receipts.new_receipt() for _ in range(200)}
    assert len(drawn) == 200 and all(RECEIPT.match(r) for r in drawn)
    one = next(iter(drawn))
    typed = one.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert receipts.digest(typed) == receipts.digest(one)
    for bad in ("", "1", one + "X", one.replace(one[0], "U", 1), "ÄBCD" * 4):
        assert receipts.digest(bad) is None


# --- filing, the receipt and the status page ----------------------------------------------


async def _file(client, **form) -> dict:
    created = await client.post("/api/v1/reports", data={"what_was_seen": "疑似假冒包装", **form})
    assert created.status_code == 201, created.text
    return created.json()


async def test_filing_gives_a_receipt_and_the_deadlines(
    session, client, label_world, monkeypatch
) -> None:
    at(monkeypatch, date(2025, 9, 30))
    body = await _file(client, code=label_world["code"], contact=CONTACT)
    assert RECEIPT.match(body["receipt"]) and body["status"] == "new"
    assert body["accept_by"] == "2025-10-16" and body["finish_by"] == "2025-11-18"
    assert body["status_url"] == f"/public/reports/{body['receipt']}"
    stored = await session.scalar(select(ConsumerReport).where(ConsumerReport.id == body["id"]))
    assert stored.received_on == date(2025, 9, 30)
    assert stored.receipt_hash == receipts.digest(body["receipt"])
    assert body["receipt"].replace("-", "") not in str(stored.__dict__)  # only the digest

    status = await client.get(f"/api/v1/public/reports/{body['receipt']}")
    assert status.status_code == 200
    found = status.json()
    assert found["status"] == "new" and found["accept_by"] == "2025-10-16"
    assert found["overdue"] is False and found["referrals"] == []
    assert status.headers["cache-control"] == "no-store"
    assert status.headers["referrer-policy"] == "no-referrer"
    for leak in ("contact", "王女士", "1234-5678", "what_was_seen", "疑似假冒", "enterprise"):
        assert leak not in status.text
    # Typed by hand: lower case, spaces for dashes.
    typed = body["receipt"].lower().replace("-", " ")
    page = await client.get(f"/public/reports/{typed}", params={"lang": "en"})
    assert page.status_code == 200 and "Received, awaiting acceptance" in page.text
    assert "2025-10-16" in page.text and "王女士" not in page.text and "疑似假冒" not in page.text
    zh = await client.get(f"/public/reports/{body['receipt']}")
    assert "已收到，待受理" in zh.text


async def test_a_wrong_receipt_is_a_404_that_says_nothing(client, monkeypatch) -> None:
    at(monkeypatch, date(2025, 9, 30))
    real = (await _file(client))["receipt"]
    other = receipts.new_receipt()
    assert other != real
    answers = []
    for wrong in (other, "not-a-receipt", "0" * 16, real[:-1] + ("0" if real[-1] != "0" else "1")):
        json = await client.get(f"/api/v1/public/reports/{wrong}")
        html = await client.get(f"/public/reports/{wrong}")
        assert json.status_code == 404 and html.status_code == 404
        assert html.headers["content-type"].startswith("text/html")
        answers.append(json.json()["detail"])
    assert len(set(answers)) == 1  # malformed or unknown: the same answer


async def test_the_thank_you_page_shows_the_receipt_that_opens_the_status_page(
    client, monkeypatch
) -> None:
    at(monkeypatch, date(2025, 9, 30))
    page = await client.post(
        "/report",
        params={"lang": "en"},
        data={"what_was_seen": "The seal was broken", "where_bought_division": "150821"},
    )
    assert page.status_code == 200 and "shown only this once" in page.text
    receipt = re.search(r"data-receipt><strong>([^<]+)<", page.text).group(1)
    assert RECEIPT.match(receipt) and "2025-10-16" in page.text
    assert (await client.get(f"/public/reports/{receipt}")).status_code == 200
    form = await client.get("/public/reports", params={"lang": "en"})
    assert form.status_code == 200 and 'name="receipt"' in form.text
    looked_up = await client.get("/public/reports", params={"receipt": receipt, "lang": "en"})
    assert looked_up.status_code == 200 and "Received, awaiting acceptance" in looked_up.text
    mistyped = receipts.new_receipt()
    unknown = await client.get("/public/reports", params={"receipt": mistyped})
    assert unknown.status_code == 404  # the form again, with what was typed and why
    assert 'name="receipt"' in unknown.text and f'value="{mistyped}"' in unknown.text
    assert "没有找到这个回执号对应的举报" in unknown.text
    refused = await client.post(
        "/report", data={"what_was_seen": "包装印刷模糊", "where_bought_division": "999999"}
    )
    assert refused.status_code == 422 and "行政区划代码不对" in refused.text
    assert "包装印刷模糊" in refused.text  # what was typed stays
    api = await client.post(
        "/api/v1/reports", data={"what_was_seen": "包装印刷模糊", "where_bought_division": "152822"}
    )  # 巴彦淖尔盟五原县: abolished in 2003
    assert api.status_code == 422 and api.json()["field"] == "where_bought_division"


# --- the queue: overdue first ----------------------------------------------------------------


async def test_the_queue_puts_the_overdue_first(session, client, monkeypatch) -> None:
    at(monkeypatch, date(2025, 9, 30))
    late_accept = await _file(client, what_was_seen="九月三十日收到的举报")  # accept by 16 Oct
    at(monkeypatch, date(2025, 10, 9))
    investigating = await _file(client, what_was_seen="十月九日收到的举报")  # accept by 20 Oct
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    url = f"/api/v1/reports/{investigating['id']}/transition"
    assert (
        await client.post(url, json={"status": "investigating"}, headers=regulator)
    ).status_code == 200  # now due by its finish date: 19 Nov
    at(monkeypatch, date(2025, 10, 16))
    fresh = await _file(client, what_was_seen="十月十六日收到的举报")  # accept by 27 Oct
    closed = await _file(client, what_was_seen="已不予受理的举报")
    url = f"/api/v1/reports/{closed['id']}/transition"
    await client.post(url, json={"status": "dismissed", "reason": "重复"}, headers=regulator)

    at(monkeypatch, date(2025, 10, 16), hour_utc=15)  # 23:00 in Beijing: still in time
    queue = (await client.get("/api/v1/reports?sort=due", headers=regulator)).json()
    assert [item["overdue"] for item in queue["items"]] == [False, False, False]

    at(monkeypatch, date(2025, 10, 17))
    queue = (await client.get("/api/v1/reports?sort=due", headers=regulator)).json()
    ids = [item["id"] for item in queue["items"]]
    assert ids == [late_accept["id"], fresh["id"], investigating["id"]]
    assert [item["overdue"] for item in queue["items"]] == [True, False, False]
    assert queue["items"][2]["finish_by"] == "2025-11-19"
    assert closed["id"] not in ids  # the queue is the open reports
    newest = (await client.get("/api/v1/reports", headers=regulator)).json()
    assert newest["items"][0]["id"] == closed["id"]  # the default order is unchanged

    stats = await client.get(
        "/api/v1/stats/reports",
        params=PERIOD,
        headers=regulator,
    )
    assert stats.status_code == 200, stats.text
    figures = stats.json()
    assert figures["overdue"] == 1  # the one still new after its 7 working days
    assert figures["accepted_on_time"] == 2 and figures["accepted_late"] == 0
    assert figures["finished_on_time"] == 1 and figures["finished_late"] == 0

    at(monkeypatch, date(2025, 10, 20))
    url = f"/api/v1/reports/{late_accept['id']}/transition"
    await client.post(url, json={"status": "investigating"}, headers=regulator)
    figures = (
        await client.get(
            "/api/v1/stats/reports",
            params=PERIOD,
            headers=regulator,
        )
    ).json()
    assert figures["accepted_late"] == 1 and figures["overdue"] == 0


# --- referral --------------------------------------------------------------------------------


async def test_a_referral_is_audited_and_restarts_the_clocks(
    session, client, label_world, monkeypatch
) -> None:
    at(monkeypatch, date(2025, 9, 26))
    filed = await _file(
        client, code=label_world["code"], contact=CONTACT, where_bought_division="150821"
    )
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    owner = await factories.auth_headers(session, client, Role.LICENSEE, label_world["company"].id)
    url = f"/api/v1/reports/{filed['id']}/refer"
    why = {"to_division": "150821", "reason": "购买地在五原县，移送五原县市场监督管理局"}
    assert (await client.post(url, json=why, headers=owner)).status_code == 403
    for bad, field in (
        ({**why, "to_division": "999999"}, "to_division"),
        ({**why, "reason": " "}, "reason"),
    ):
        refused = await client.post(url, json=bad, headers=regulator)
        assert refused.status_code == 422 and refused.json()["field"] == field

    at(monkeypatch, date(2025, 9, 30))
    referred = await client.post(url, json=why, headers=regulator)
    assert referred.status_code == 200, referred.text
    body = referred.json()
    assert body["handling_division"] == "150821" and body["status"] == "new"
    assert body["received_on"] == "2025-09-30" and body["accept_by"] == "2025-10-16"
    again = await client.post(url, json=why, headers=regulator)
    assert again.status_code == 422 and again.json()["field"] == "to_division"

    history = await client.get(f"/api/v1/reports/{filed['id']}/referrals", headers=regulator)
    # from the referring bureau's division (the region's): the report had no handler yet
    assert [(h["from_division"], h["to_division"]) for h in history.json()] == [
        ("150000", "150821")
    ]
    assert (
        await client.get(f"/api/v1/reports/{filed['id']}/referrals", headers=owner)
    ).status_code == 403
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "consumer_report",
            AuditEvent.object_id == str(filed["id"]),
            AuditEvent.action == "report.refer",
        )
    )
    assert event.reason == why["reason"]
    assert event.before["handling_division"] is None and event.before["accept_by"] == "2025-10-13"
    assert event.after["handling_division"] == "150821" and event.after["accept_by"] == "2025-10-16"
    assert await session.scalar(
        select(ReportReferral).where(ReportReferral.report_id == filed["id"])
    )

    status = (await client.get(f"/api/v1/public/reports/{filed['receipt']}")).json()
    assert status["handling_division"] == "150821" and status["accept_by"] == "2025-10-16"
    assert status["referrals"][0]["to_name"] == "内蒙古自治区巴彦淖尔市五原县"
    assert "移送五原县" not in str(status)  # the bureau's reason stays with the bureaus

    url = f"/api/v1/reports/{filed['id']}/transition"
    await client.post(url, json={"status": "dismissed", "reason": "不属实"}, headers=regulator)
    closed = await client.post(
        f"/api/v1/reports/{filed['id']}/refer",
        json={**why, "to_division": "150800"},
        headers=regulator,
    )
    assert closed.status_code == 409


# --- the informant's contact ----------------------------------------------------------------


async def test_the_contact_never_reaches_the_licensee_nor_the_audit_trail(
    session, client, label_world, monkeypatch
) -> None:
    at(monkeypatch, date(2025, 9, 30))
    filed = await _file(
        client,
        code=label_world["code"],
        contact=CONTACT,
        what_was_seen="假冒包装，请联系 13812345678",
        where_bought_division="150821",
    )
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    await client.post(
        f"/api/v1/reports/{filed['id']}/refer",
        json={"to_division": "150821", "reason": "属地管辖"},
        headers=regulator,
    )
    owner = await factories.auth_headers(session, client, Role.LICENSEE, label_world["company"].id)
    seen = [
        await client.get(f"/api/v1/reports/{filed['id']}", headers=owner),
        await client.get("/api/v1/reports", headers=owner),
        await client.get("/api/v1/reports?sort=due", headers=owner),
    ]
    for answer in seen:
        assert answer.status_code == 200
        for leak in ("contact", "王女士", "1234-5678", "13812345678", "receipt"):
            assert leak not in answer.text
    staff = (await client.get(f"/api/v1/reports/{filed['id']}", headers=regulator)).json()
    assert staff["contact"] == CONTACT  # the handling bureau reads it
    events = list(
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "consumer_report",
                AuditEvent.object_id == str(filed["id"]),
            )
        )
    )
    assert {e.action for e in events} == {"report.file", "report.refer"}
    for event in events:
        text = f"{event.before} {event.after} {event.reason}"
        assert "王女士" not in text and "1234-5678" not in text
        assert filed["receipt"] not in text


async def test_receipt_lookups_are_rate_limited_like_the_other_public_pages(
    test_settings, database
) -> None:
    app = create_app(test_settings.model_copy(update={"public_rate_limit_per_minute": 3}), database)
    async with client_from(app, "203.0.113.77") as guesser:
        answers = [
            (await guesser.get(f"/api/v1/public/reports/{receipts.new_receipt()}")).status_code
            for _ in range(4)
        ]
        page = await guesser.get(f"/public/reports/{receipts.new_receipt()}")
    assert answers == [404, 404, 404, 429] and page.status_code == 429
    assert "retry-after" in page.headers
