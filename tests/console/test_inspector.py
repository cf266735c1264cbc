"""The inspector on the console: the batches their assignments cover, the recording form
with each test item's limits and unit, the result the server computes stored whatever the
browser's preview showed, refusals by the field, the API's role table, forged CSRF refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factories
import httpx
import pytest
from console_helpers import csrf_of, log_in
from sqlalchemy import select

from app.core.principal import Role
from app.core.time import public_today
from app.inspection.models import Inspection, InspectionResult
from app.label.models import BatchStatus
from app.planning.models import InspectionAssignment


@pytest.fixture
async def lab(session, world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """An inspector assigned one batch directly and the other enterprise's licence (so its
    batches too); a third batch no assignment covers."""
    product_id = world.licence.product_id
    await factories.test_item(session, product_id, code="moisture", max_value=Decimal("9.0"))
    await factories.test_item(
        session,
        product_id,
        code="purity",
        name_zh="纯度",
        name_en="Purity",
        min_value=Decimal("95.0"),
        max_value=Decimal("100"),
    )
    made = public_today() - timedelta(days=30)
    direct = await factories.batch(
        session, world.licence, lot_number="WY-2026-001", production_date=made
    )
    unassigned = await factories.batch(
        session, world.licence, lot_number="WY-2026-002", production_date=made
    )
    by_licence = await factories.batch(
        session, world.other_licence, lot_number="BJ-2026-009", production_date=made
    )
    inspector = await factories.user(session, Role.INSPECTOR)
    session.add(InspectionAssignment(batch_id=direct.id, inspector_id=inspector.id))
    session.add(InspectionAssignment(licence_id=world.other_licence.id, inspector_id=inspector.id))
    await session.flush()
    return {
        "direct": direct,
        "unassigned": unassigned,
        "by_licence": by_licence,
        "inspector": inspector,
    }


@pytest.fixture
async def inspector_browser(browser, lab) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    assert (await log_in(browser, lab["inspector"].username)).status_code == 303
    return browser


def _sample(token: str, report: str = "BYNE-2026-0001", **values: str) -> dict[str, str]:
    measured = {"items-0-value": "8.5", "items-1-value": "97.0"} | values
    return {
        "csrf_token": token,
        "sample_id": f"S-{report}",
        "sampled_on": (public_today() - timedelta(days=2)).isoformat(),
        "sampling_place": "五原县隆兴昌镇 仓库",
        "lab": "巴彦淖尔市产品质量检验所",
        "report_number": report,
        **measured,
    }


async def test_my_assigned_batches(inspector_browser, lab) -> None:
    page = await inspector_browser.get("/console/inspections/mine")
    assert page.status_code == 200
    assert "WY-2026-001" in page.text and "BJ-2026-009" in page.text  # direct, through a licence
    assert "WY-2026-002" not in page.text
    assert "别家公司" in page.text and "五原向日葵" in page.text
    assert 'href="/console/inspections/mine" aria-current="page"' in page.text


async def test_the_form_shows_limits_and_units(inspector_browser, lab) -> None:
    page = await inspector_browser.get(f"/console/inspections/batch/{lab['direct'].id}")
    assert page.status_code == 200
    assert "≤ 9 %" in page.text and "95–100 %" in page.text
    assert 'data-min="" data-max="9"' in page.text and 'data-min="95" data-max="100"' in page.text
    assert '<label for="items-0-value">' in page.text
    assert 'src="/console/static/inspection-preview.js"' in page.text
    script = await inspector_browser.get("/console/static/inspection-preview.js")
    assert script.status_code == 200 and "data-inspection-preview" in script.text


async def test_a_failing_value_is_stored_as_a_fail(inspector_browser, lab, session) -> None:
    """Posted straight, as a browser with the preview bypassed would: the server judges."""
    batch = lab["direct"]
    url = f"/console/inspections/batch/{batch.id}"
    token = csrf_of((await inspector_browser.get(url)).text)
    done = await inspector_browser.post(url, data=_sample(token, **{"items-0-value": "9.4"}))
    assert done.status_code == 303, done.text
    stored = await session.scalar(
        select(Inspection).where(Inspection.report_number == "BYNE-2026-0001")
    )
    assert stored is not None and stored.result is InspectionResult.FAIL
    assert stored.inspector_id == lab["inspector"].id
    assert done.headers["location"] == f"/console/inspections/{stored.id}"
    await session.refresh(batch)
    assert batch.status is BatchStatus.SUSPENDED
    shown = await inspector_browser.get(done.headers["location"])
    assert 'data-result="fail"' in shown.text and "9.4 %" in shown.text


async def test_a_passing_sample_through_a_licence_assignment(
    inspector_browser, lab, session
) -> None:
    url = f"/console/inspections/batch/{lab['by_licence'].id}"
    token = csrf_of((await inspector_browser.get(url)).text)
    done = await inspector_browser.post(url, data=_sample(token, "BYNE-2026-0002"))
    assert done.status_code == 303
    shown = await inspector_browser.get(done.headers["location"])
    assert 'data-result="pass"' in shown.text
    listed = await inspector_browser.get("/console/inspections/mine")
    assert "verdict-pass" in listed.text


async def test_refusals_by_the_field(inspector_browser, lab, session) -> None:
    url = f"/console/inspections/batch/{lab['direct'].id}?lang=en"
    token = csrf_of((await inspector_browser.get(url)).text)
    future = (public_today() + timedelta(days=3)).isoformat()
    refused = await inspector_browser.post(
        url,
        data=_sample(token, **{"items-1-value": "", "items-0-value": "8.1"})
        | {"sampled_on": future},
    )
    assert refused.status_code == 422
    assert 'id="items-1-value-error"' in refused.text and 'id="sampled_on-error"' in refused.text
    assert "Give the measured value" in refused.text
    assert 'value="8.1"' in refused.text and 'value="五原县隆兴昌镇 仓库"' in refused.text
    early = (public_today() - timedelta(days=40)).isoformat()  # the lot was made 30 days ago
    refused = await inspector_browser.post(url, data=_sample(token) | {"sampled_on": early})
    assert refused.status_code == 422 and 'id="sampled_on-error"' in refused.text
    assert "before the lot was produced" in refused.text
    assert (await inspector_browser.post(url, data=_sample(token))).status_code == 303
    again = await inspector_browser.post(url, data=_sample(token, **{"items-0-value": "7"}))
    assert again.status_code == 409 and 'id="report_number-error"' in again.text
    count = await session.scalar(
        select(Inspection.id).where(Inspection.batch_id == lab["direct"].id)
    )
    assert count is not None


async def test_the_apis_role_table(inspector_browser, lab, browser, world) -> None:
    unassigned = f"/console/inspections/batch/{lab['unassigned'].id}"
    assert (await inspector_browser.get(unassigned)).status_code == 404
    token = csrf_of((await inspector_browser.get("/console/inspections/mine")).text)
    assert (await inspector_browser.post(unassigned, data=_sample(token))).status_code == 404
    assert (await inspector_browser.get("/console/products/new")).status_code == 403
    assert (await inspector_browser.get("/console/reports")).status_code == 403


async def test_licensees_cannot_record_and_regulators_can(browser, world, lab, session) -> None:
    assert (await log_in(browser, world.licensee.username)).status_code == 303
    assert (await browser.get(f"/console/inspections/batch/{lab['direct'].id}")).status_code == 403
    assert (await browser.get("/console/inspections/mine")).status_code == 403
    await browser.post(
        "/console/logout", data={"csrf_token": csrf_of((await browser.get("/console")).text)}
    )
    assert (await log_in(browser, world.regulator.username)).status_code == 303
    url = f"/console/inspections/batch/{lab['unassigned'].id}"
    token = csrf_of((await browser.get(url)).text)
    assert (await browser.post(url, data=_sample(token, "BYNE-2026-0100"))).status_code == 303


async def test_a_forged_csrf_token_is_refused(inspector_browser, lab, session) -> None:
    url = f"/console/inspections/batch/{lab['direct'].id}"
    assert (await inspector_browser.post(url, data=_sample("forged"))).status_code == 403
    data = {k: v for k, v in _sample("x").items() if k != "csrf_token"}
    assert (await inspector_browser.post(url, data=data)).status_code == 403
    assert (
        await session.scalar(select(Inspection.id).where(Inspection.batch_id == lab["direct"].id))
        is None
    )
