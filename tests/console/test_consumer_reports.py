"""Consumer reports on the console: the regulator's list by state in keyset pages, the
detail with its photo and the state transitions with a reason; the licensee concerned reads
the masked copy, whose HTML never carries the informant's contact."""

from __future__ import annotations

import re

import pytest
from console_helpers import csrf_of, log_in
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.report.models import ConsumerReport, ReportStatus

CONTACT = "informant@example.cn 13912345678"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
async def report(session, world) -> ConsumerReport:  # type: ignore[no-untyped-def]
    found = ConsumerReport(
        enterprise_id=world.licence.enterprise_id,
        code="ABCD1234EFGH5678JKLM",
        what_was_seen="包装印刷模糊，请回电 13912345678",
        where_bought="五原县某超市",
        contact=CONTACT,
        photo=PHOTO,
        photo_media_type="image/png",
        status=ReportStatus.NEW,
    )
    session.add(found)
    await session.flush()
    return found


async def test_list_by_state_in_keyset_pages(regulator_browser, world, session) -> None:
    for n in range(53):
        session.add(
            ConsumerReport(
                enterprise_id=world.licence.enterprise_id,
                what_was_seen=f"举报{n:02d}号",
                status=ReportStatus.NEW,
            )
        )
    session.add(ConsumerReport(what_was_seen="已处理的", status=ReportStatus.RESOLVED))
    await session.flush()
    first = await regulator_browser.get("/console/reports", params={"status": "new"})
    assert first.status_code == 200
    assert (
        "举报52号" in first.text and "举报02号" not in first.text and "已处理的" not in first.text
    )
    assert "五原县丰瑞农业开发有限公司" in first.text  # names, not ids
    older = re.search(r'href="(/console/reports\?status=new&amp;cursor=[^"]+)"', first.text)
    assert older, "no link to the next page"
    second = await regulator_browser.get(older.group(1).replace("&amp;", "&"))
    assert "举报02号" in second.text and "举报52号" not in second.text
    assert 'rel="next"' not in second.text  # the last page
    resolved = await regulator_browser.get("/console/reports", params={"status": "resolved"})
    assert "已处理的" in resolved.text and "举报01号" not in resolved.text


async def test_detail_photo_and_transitions(regulator_browser, report, session) -> None:
    page = await regulator_browser.get(f"/console/reports/{report.id}")
    assert page.status_code == 200 and CONTACT in page.text
    assert f'src="/console/reports/{report.id}/photo"' in page.text
    photo = await regulator_browser.get(f"/console/reports/{report.id}/photo")
    assert photo.content == PHOTO and photo.headers["content-type"] == "image/png"
    url = f"/console/reports/{report.id}/transition"
    token = csrf_of(page.text)
    done = await regulator_browser.post(url, data={"csrf_token": token, "status": "investigating"})
    assert done.status_code == 303
    refused = await regulator_browser.post(
        url, data={"csrf_token": token, "status": "resolved", "outcome": "已责令整改"}
    )
    assert refused.status_code == 422 and 'id="reason-error"' in refused.text
    assert "已责令整改" in refused.text  # kept
    done = await regulator_browser.post(
        url,
        data={
            "csrf_token": token,
            "status": "resolved",
            "reason": "现场核查属实",
            "outcome": "已责令整改",
        },
    )
    assert done.status_code == 303
    await session.refresh(report)
    assert report.status is ReportStatus.RESOLVED and report.outcome == "已责令整改"
    actions = await session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "consumer_report", AuditEvent.object_id == str(report.id)
        )
    )
    assert {"report.investigating", "report.resolved"} <= set(actions)
    again = await regulator_browser.post(
        url, data={"csrf_token": token, "status": "dismissed", "reason": "重复"}
    )
    assert again.status_code == 409  # closed: the service's refusal


async def test_the_licensee_never_sees_the_informant(
    licensee_browser, world, report, session
) -> None:
    other = ConsumerReport(
        enterprise_id=world.other_licence.enterprise_id,
        what_was_seen="别家的",
        status=ReportStatus.NEW,
    )
    session.add(other)
    await session.flush()
    listed = await licensee_browser.get("/console/reports")
    detail = await licensee_browser.get(f"/console/reports/{report.id}")
    assert listed.status_code == 200 and detail.status_code == 200
    assert "包装印刷模糊" in detail.text and "别家的" not in listed.text
    for html in (listed.text, detail.text):
        assert "informant@example.cn" not in html and "13912345678" not in html
        assert "/photo" not in html
    assert (await licensee_browser.get(f"/console/reports/{report.id}/photo")).status_code == 403
    assert (await licensee_browser.get(f"/console/reports/{other.id}")).status_code == 404
    refused = await licensee_browser.post(
        f"/console/reports/{report.id}/transition",
        data={"csrf_token": csrf_of(detail.text), "status": "dismissed", "reason": "不成立"},
    )
    assert refused.status_code == 403
    await session.refresh(report)
    assert report.status is ReportStatus.NEW


async def test_a_forged_csrf_token_is_refused(regulator_browser, report, session) -> None:
    url = f"/console/reports/{report.id}/transition"
    data = {"status": "dismissed", "reason": "伪造"}
    assert (await regulator_browser.post(url, data={**data, "csrf_token": "x"})).status_code == 403
    assert (await regulator_browser.post(url, data=data)).status_code == 403
    await session.refresh(report)
    assert report.status is ReportStatus.NEW


async def test_queues_and_the_dashboard_link_to_the_report(
    regulator_browser, report, world, session
) -> None:
    queues = await regulator_browser.get("/console/queues")
    assert f'href="/console/reports/{report.id}"' in queues.text
    await regulator_browser.post("/console/logout", data={"csrf_token": csrf_of(queues.text)})
    assert (await log_in(regulator_browser, world.licensee.username)).status_code == 303
    dashboard = await regulator_browser.get("/console")
    assert f'href="/console/reports/{report.id}"' in dashboard.text
    assert "informant@example.cn" not in dashboard.text
