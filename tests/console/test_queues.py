"""The regulator's work queues and decisions on the console: counts that match the data,
names not ids, the role table's 403/404, approve and reject through the forms (state changed,
audit event written), errors next to the fields with what was typed kept, forged CSRF refused."""

from __future__ import annotations

import re
from datetime import date, timedelta

import factories
import pytest
from console_helpers import csrf_of, log_in
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.principal import Role
from app.core.time import public_today, utcnow
from app.inspection.models import Inspection, InspectionResult
from app.label.models import BatchStatus, LabelScanStat
from app.licence.models import Licence, LicenceStatus
from app.report.models import ConsumerReport, ReportStatus


@pytest.fixture
async def regulator_browser(browser, world):  # type: ignore[no-untyped-def]
    assert (await log_in(browser, world.regulator.username)).status_code == 303
    return browser


async def _pending_licence(session, world, **overrides) -> Licence:  # type: ignore[no-untyped-def]
    fields = {
        "number": None,
        "status": LicenceStatus.PENDING,
        "valid_from": None,
        "valid_until": None,
        "decided_at": None,
    }
    company = await factories.enterprise(session, name="临河区葵花合作社")
    return await factories.licence(
        session, company.id, world.licence.product_id, **{**fields, **overrides}
    )


async def _actions(session, object_type: str, object_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    found = await session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id)
        )
    )
    return list(found)


def _count(html: str, queue: str) -> int:
    found = re.search(rf'data-queue="{queue}">([\d,]+)<', html)
    assert found, queue
    return int(found.group(1).replace(",", ""))


async def test_queues_count_what_waits_and_name_it(regulator_browser, world, session) -> None:
    pending = await _pending_licence(session, world)
    await factories.batch(
        session, world.licence, status=BatchStatus.REQUESTED, lot_number="WY-REQ-1"
    )
    await factories.batch(
        session, world.licence, status=BatchStatus.REQUESTED, lot_number="WY-REQ-2"
    )
    await factories.batch(session, world.licence, status=BatchStatus.ISSUED, lot_number="WY-DONE")
    suspended = await factories.batch(
        session, world.licence, status=BatchStatus.SUSPENDED, lot_number="WY-SUSP"
    )
    session.add(
        Inspection(
            batch_id=suspended.id,
            sample_id="S-1",
            sampled_on=public_today(),
            sampling_place="仓库",
            lab="检测中心",
            report_number="RPT-2026-0042",
            result=InspectionResult.FAIL,
        )
    )
    for state in (ReportStatus.NEW, ReportStatus.INVESTIGATING, ReportStatus.RESOLVED):
        session.add(
            ConsumerReport(
                enterprise_id=world.licence.enterprise_id,
                what_was_seen=f"包装可疑 {state.value}",
                status=state,
            )
        )
    labels = await factories.labels(session, suspended, ["CODE0000000000000001"])
    at = utcnow()
    session.add(
        LabelScanStat(
            code=labels[0].code,
            scan_count=9,
            first_scanned_at=at,
            last_scanned_at=at,
            suspect_reason="many_sources",
            suspect_evidence={"sources": 9},
            flagged_at=at,
        )
    )
    await session.flush()

    page = await regulator_browser.get("/console/queues")
    assert page.status_code == 200, page.text
    html = page.text
    assert _count(html, "licences") == 1
    assert _count(html, "batches") == 2
    assert _count(html, "reports") == 2
    assert _count(html, "suspicious") == 1
    assert _count(html, "suspended") == 1
    assert "临河区葵花合作社" in html and f'href="/console/licences/{pending.id}"' in html
    assert "WY-REQ-1" in html and "WY-DONE" not in html and "五原向日葵" in html
    assert "RPT-2026-0042" in html and "包装可疑 resolved" not in html
    assert "CODE0000000000000001" in html
    assert 'href="/console/queues" aria-current="page"' in html


async def test_a_licensee_gets_the_role_tables_answers(licensee_browser, world, session) -> None:
    """403 where the role is not admitted at all; 404 for another enterprise's licence (its
    own licence page it may read, without the decision forms)."""
    assert (await licensee_browser.get("/console/queues")).status_code == 403
    pending = await _pending_licence(session, world)
    assert (await licensee_browser.get(f"/console/licences/{pending.id}")).status_code == 404
    own = await licensee_browser.get(f"/console/licences/{world.licence.id}")
    assert own.status_code == 200 and "/approve" not in own.text
    request = await factories.batch(session, world.licence, status=BatchStatus.REQUESTED)
    page = await licensee_browser.get(f"/console/batches/{request.id}/decision")
    assert page.status_code == 403
    token = csrf_of((await licensee_browser.get("/console")).text)
    refused = await licensee_browser.post(
        f"/console/licences/{world.licence.id}/approve",
        data={"csrf_token": token, "valid_until": "2030-01-01"},
    )
    assert refused.status_code == 403
    nav = (await licensee_browser.get("/console")).text
    assert "/console/queues" not in nav


async def test_approve_a_licence_application(regulator_browser, world, session) -> None:
    pending = await _pending_licence(session, world)
    page = await regulator_browser.get(f"/console/licences/{pending.id}")
    assert page.status_code == 200 and "临河区葵花合作社" in page.text
    until = (public_today() + timedelta(days=365)).isoformat()
    data = {"csrf_token": csrf_of(page.text), "valid_until": until, "reason": "材料齐全"}
    done = await regulator_browser.post(f"/console/licences/{pending.id}/approve", data=data)
    assert done.status_code == 303 and done.headers["location"] == f"/console/licences/{pending.id}"
    await session.refresh(pending)
    assert pending.status is LicenceStatus.ACTIVE and pending.number
    assert pending.valid_until == date.fromisoformat(until)
    assert "licence.approve" in await _actions(session, "licence", pending.id)
    shown = await regulator_browser.get(done.headers["location"])
    assert pending.number in shown.text and "材料齐全" in shown.text


async def test_a_refused_approval_keeps_what_was_typed(regulator_browser, world, session) -> None:
    pending = await _pending_licence(session, world)
    page = await regulator_browser.get(f"/console/licences/{pending.id}?lang=en")
    data = {
        "csrf_token": csrf_of(page.text),
        "valid_from": "2030-06-01",
        "valid_until": "2030-01-01",  # before the first day
        "reason": "所有材料已核对",
    }
    refused = await regulator_browser.post(f"/console/licences/{pending.id}/approve", data=data)
    assert refused.status_code == 422
    assert 'id="approve-valid_until-error"' in refused.text
    assert "Give the last day of validity" in refused.text  # the page's language
    assert 'value="2030-06-01"' in refused.text and "所有材料已核对" in refused.text
    await session.refresh(pending)
    assert pending.status is LicenceStatus.PENDING


async def test_reject_a_licence_needs_a_reason_and_a_confirmation(
    regulator_browser, world, session
) -> None:
    pending = await _pending_licence(session, world)
    token = csrf_of((await regulator_browser.get(f"/console/licences/{pending.id}")).text)
    url = f"/console/licences/{pending.id}/reject"
    refused = await regulator_browser.post(
        url, data={"csrf_token": token, "reason": "缺少检测报告"}
    )
    assert refused.status_code == 422 and 'id="reject-confirm-error"' in refused.text
    assert "缺少检测报告" in refused.text  # kept
    data = {"csrf_token": token, "reason": "缺少检测报告", "confirm": "yes"}
    done = await regulator_browser.post(url, data=data)
    assert done.status_code == 303
    await session.refresh(pending)
    assert pending.status is LicenceStatus.REJECTED and pending.decision_reason == "缺少检测报告"
    assert "licence.reject" in await _actions(session, "licence", pending.id)
    again = await regulator_browser.post(url, data=data)  # decided already: the service's 409
    assert again.status_code == 409 and "已被处理" in again.text


async def test_approve_and_reject_batch_requests(regulator_browser, world, session) -> None:
    first = await factories.batch(
        session,
        world.licence,
        status=BatchStatus.REQUESTED,
        issued_at=None,
        key_id=None,
        quantity=3,
    )
    second = await factories.batch(
        session, world.licence, status=BatchStatus.REQUESTED, issued_at=None, key_id=None
    )
    page = await regulator_browser.get(f"/console/batches/{first.id}/decision")
    assert page.status_code == 200 and "五原县丰瑞农业开发有限公司" in page.text
    assert "3 枚标签码" in page.text  # says what approving changes
    token = csrf_of(page.text)
    done = await regulator_browser.post(
        f"/console/batches/{first.id}/approve", data={"csrf_token": token}
    )
    assert done.status_code == 303 and done.headers["location"] == f"/console/batches/{first.id}"
    await session.refresh(first)
    assert first.status is BatchStatus.ISSUED
    assert {"batch.approve", "batch.issue"} <= set(await _actions(session, "label_batch", first.id))

    data = {"csrf_token": token, "reason": "批号与产地不符", "confirm": "yes"}
    done = await regulator_browser.post(f"/console/batches/{second.id}/reject", data=data)
    assert done.status_code == 303
    await session.refresh(second)
    assert second.status is BatchStatus.REJECTED and second.decision_reason == "批号与产地不符"
    assert "batch.reject" in await _actions(session, "label_batch", second.id)


async def test_a_forged_csrf_token_is_refused(regulator_browser, world, session) -> None:
    pending = await _pending_licence(session, world)
    request = await factories.batch(session, world.licence, status=BatchStatus.REQUESTED)
    until = (public_today() + timedelta(days=365)).isoformat()
    for url, data in (
        (f"/console/licences/{pending.id}/approve", {"valid_until": until}),
        (f"/console/licences/{pending.id}/reject", {"reason": "理由充分", "confirm": "yes"}),
        (f"/console/batches/{request.id}/approve", {}),
        (f"/console/batches/{request.id}/reject", {"reason": "理由充分", "confirm": "yes"}),
    ):
        forged = await regulator_browser.post(url, data={**data, "csrf_token": "forged"})
        missing = await regulator_browser.post(url, data=data)
        assert forged.status_code == 403 and missing.status_code == 403, url
    await session.refresh(pending)
    await session.refresh(request)
    assert pending.status is LicenceStatus.PENDING and request.status is BatchStatus.REQUESTED


async def test_admins_see_the_queues_too(browser, session, world) -> None:
    admin = await factories.user(session, Role.ADMIN)
    assert (await log_in(browser, admin.username)).status_code == 303
    assert (await browser.get("/console/queues")).status_code == 200


async def test_the_services_422_shows_by_its_field(regulator_browser, world, session) -> None:
    """Past the form's own checks, the service refuses a last day before today (the default
    first day): the same 422 as the API, shown next to the field."""
    pending = await _pending_licence(session, world)
    token = csrf_of((await regulator_browser.get(f"/console/licences/{pending.id}")).text)
    yesterday = (public_today() - timedelta(days=1)).isoformat()
    refused = await regulator_browser.post(
        f"/console/licences/{pending.id}/approve",
        data={"csrf_token": token, "valid_until": yesterday},
    )
    assert refused.status_code == 422 and 'id="approve-valid_until-error"' in refused.text
    assert f'value="{yesterday}"' in refused.text
    await session.refresh(pending)
    assert pending.status is LicenceStatus.PENDING and not await _actions(
        session, "licence", pending.id
    )
