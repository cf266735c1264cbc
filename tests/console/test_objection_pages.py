"""Objection and re-test on the console: the licensee sees its window with the deadline and
files the objection; the regulator's queues show the window's state; the re-test laboratory's
inspector sees the assignment and records the re-test, which overturns the first result."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta
from decimal import Decimal

import factories
from console_helpers import client_for, csrf_of, log_in

from app.auth.principal import user_principal
from app.core.principal import Role
from app.core.time import public_today
from app.inspection import service as inspection_service
from app.inspection.schemas import InspectionCreate, MeasuredItem

OTHER_LAB = "内蒙古自治区农畜产品质量安全监督检验中心"


@asynccontextmanager
async def _browser(app, username: str):  # type: ignore[no-untyped-def]
    async with client_for(app) as client:
        assert (await log_in(client, username)).status_code == 303
        yield client


async def test_objection_and_retest_through_the_console(session, app, world) -> None:
    product_id = world.licence.product_id
    await factories.test_item(session, product_id, code="moisture", max_value=Decimal("9.0"))
    batch = await factories.batch(
        session,
        world.licence,
        lot_number="WY-OBJ-1",
        production_date=public_today() - timedelta(30),
    )
    failing = InspectionCreate(
        batch_id=batch.id,
        sample_id="S-OBJ-1",
        sampled_on=public_today() - timedelta(days=1),
        sampling_place="五原县 仓库",
        lab="巴彦淖尔市产品质量检验所",
        report_number="OBJ-1",
        items=[MeasuredItem(item="moisture", value=Decimal("9.6"))],
    )
    first = await inspection_service.record(session, user_principal(world.regulator), failing)
    assert first.stage == "provisional"
    laboratory = await factories.organisation(
        session, factories.OrgKind.LABORATORY, name_zh=OTHER_LAB
    )
    retester = await factories.user(
        session, Role.INSPECTOR, organisation_id=laboratory.id, display_name="复检员"
    )

    async with _browser(app, world.regulator.username) as regulator:
        queues = await regulator.get("/console/queues")
        assert f"OBJ-1 · 异议期至 {first.objection_deadline}" in queues.text
        page = await regulator.get("/console/objections")
        assert page.status_code == 200 and "OBJ-1" in page.text
        assert str(first.objection_deadline) in page.text and "异议期内" in page.text
        result = await regulator.get(f"/console/inspections/{first.id}")
        assert 'data-stage="provisional"' in result.text

    async with _browser(app, world.licensee.username) as licensee:
        page = await licensee.get("/console/objections")
        assert page.status_code == 200
        assert f'data-inspection="{first.id}"' in page.text
        assert str(first.objection_deadline) in page.text and OTHER_LAB in page.text
        assert "不合格项目" in page.text  # the notification
        empty = {"csrf_token": csrf_of(page.text), "reason": "", "retest_inspector_id": ""}
        refused = await licensee.post(f"/console/objections/{first.id}", data=empty)
        assert refused.status_code == 422
        form = {
            "csrf_token": csrf_of(page.text),
            "reason": "样品运输受潮",
            "retest_inspector_id": str(retester.id),
        }
        filed = await licensee.post(f"/console/objections/{first.id}", data=form)
        assert filed.status_code == 303, filed.text
        after = await licensee.get(filed.headers["location"])
        assert "异议已提交" in after.text and f'data-inspection="{first.id}"' not in after.text

    async with _browser(app, retester.username) as inspector:
        page = await inspector.get("/console/objections")
        assert "复检任务" in page.text and "S-OBJ-1" in page.text
        form_page = await inspector.get(f"/console/objections/{first.id}/retest")
        assert form_page.status_code == 200 and "≤ 9.0 %" in form_page.text
        data = {
            "csrf_token": csrf_of(form_page.text),
            "report_number": "RE-OBJ-1",
            "item_moisture": "8.7",
        }
        recorded = await inspector.post(f"/console/objections/{first.id}/retest", data=data)
        assert recorded.status_code == 303, recorded.text
        shown = await inspector.get(recorded.headers["location"])
        assert "RE-OBJ-1" in shown.text and 'data-result="pass"' in shown.text
