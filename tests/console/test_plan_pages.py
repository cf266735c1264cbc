"""Random-inspection plans on the console: draw a plan from the form (the inspector pool
chosen by name) and see its draw named (enterprises, their licences, the inspectors); the
plans list; a refused form keeps what was typed; a licensee is refused; CSRF is checked."""

from __future__ import annotations

from datetime import timedelta

import factories
import pytest
from console_helpers import csrf_of, log_in
from sqlalchemy import func, select

from app.core.principal import Role
from app.core.time import public_today
from app.planning.models import InspectionPlan

TODAY = public_today()


@pytest.fixture
async def regulator_browser(browser, world):  # type: ignore[no-untyped-def]
    assert (await log_in(browser, world.regulator.username)).status_code == 303
    return browser


@pytest.fixture
async def inspectors(session):  # type: ignore[no-untyped-def]
    return [
        await factories.user(session, Role.INSPECTOR, display_name=name)
        for name in ("张检查", "李检查")
    ]


def _plan(world, inspectors, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "title": "2026 年五原向日葵许可证抽查",
        "product_id": str(world.licence.product_id),
        "population": "licences",
        "period_start": (TODAY - timedelta(days=30)).isoformat(),
        "period_end": TODAY.isoformat(),
        "sample_size": "2",
        "inspectors_per_target": "1",
        "inspector_ids": [str(i.id) for i in inspectors],
    }
    return {**fields, **overrides}


async def _plans(session) -> int:  # type: ignore[no-untyped-def]
    return int(await session.scalar(select(func.count()).select_from(InspectionPlan)) or 0)


async def test_draw_a_plan_and_see_its_draw_by_name(
    regulator_browser, world, session, inspectors
) -> None:
    form = await regulator_browser.get("/console/inspection-plans/new")
    assert form.status_code == 200
    assert "张检查" in form.text and "五原向日葵" in form.text
    data = {"csrf_token": csrf_of(form.text), **_plan(world, inspectors)}
    done = await regulator_browser.post("/console/inspection-plans/new", data=data)
    assert done.status_code == 303, done.text
    plan = await session.scalar(select(InspectionPlan))
    assert plan is not None and done.headers["location"] == f"/console/inspection-plans/{plan.id}"

    page = await regulator_browser.get(done.headers["location"])
    assert page.status_code == 200
    assert "五原县丰瑞农业开发有限公司" in page.text and "别家公司" in page.text
    assert world.licence.number in page.text and world.other_licence.number in page.text
    assert "张检查" in page.text or "李检查" in page.text
    assert 'data-count="drawn">2 / 2<' in page.text

    listed = await regulator_browser.get("/console/inspection-plans")
    assert "2026 年五原向日葵许可证抽查" in listed.text and "2 / 2" in listed.text
    assert 'href="/console/inspection-plans" aria-current="page"' in listed.text


async def test_a_refused_plan_keeps_what_was_typed(
    regulator_browser, world, session, inspectors
) -> None:
    token = csrf_of((await regulator_browser.get("/console/inspection-plans/new")).text)
    data = {"csrf_token": token, **_plan(world, inspectors, inspector_ids=[], seed="春季 抽查")}
    refused = await regulator_browser.post("/console/inspection-plans/new?lang=en", data=data)
    assert refused.status_code == 422
    assert (
        'id="plan-inspector_ids-error"' in refused.text and 'id="plan-seed-error"' in refused.text
    )
    assert "2026 年五原向日葵许可证抽查" in refused.text
    empty = _plan(world, inspectors, period_start="2001-01-01", period_end="2001-01-31")
    empty["population"] = "batches"
    refused = await regulator_browser.post(
        "/console/inspection-plans/new", data={"csrf_token": token, **empty}
    )
    assert refused.status_code == 422 and 'id="plan-population-error"' in refused.text
    assert f'value="{inspectors[0].id}" checked' in refused.text
    assert await _plans(session) == 0


async def test_a_licensee_is_refused_and_csrf_is_checked(
    licensee_browser, world, session, inspectors
) -> None:
    assert (await licensee_browser.get("/console/inspection-plans")).status_code == 403
    assert (await licensee_browser.get("/console/inspection-plans/new")).status_code == 403
    token = csrf_of((await licensee_browser.get("/console")).text)
    data = {"csrf_token": token, **_plan(world, inspectors)}
    assert (
        await licensee_browser.post("/console/inspection-plans/new", data=data)
    ).status_code == 403
    nav = (await licensee_browser.get("/console")).text
    assert "/console/inspection-plans" not in nav and "/console/audit" not in nav
    assert await _plans(session) == 0


async def test_a_forged_csrf_token_is_refused(
    regulator_browser, world, session, inspectors
) -> None:
    data = _plan(world, inspectors)
    forged = await regulator_browser.post(
        "/console/inspection-plans/new", data={**data, "csrf_token": "forged"}
    )
    assert forged.status_code == 403 and await _plans(session) == 0
