"""The console's organisations pages: an admin lists, creates and edits organisations and
moves staff accounts into one; a county bureau's member reads only its county's enterprises
in the console too."""

from __future__ import annotations

import factories
from console_helpers import client_for, csrf_of, log_in
from sqlalchemy import select

from app.auth.models import User
from app.core.organisations import Organisation
from app.core.principal import Role


async def test_an_admin_keeps_organisations_in_the_console(app, session) -> None:
    admin = await factories.user(session, Role.ADMIN)
    clerk = await factories.user(session, Role.REGULATOR)
    async with client_for(app) as browser:
        await log_in(browser, admin.username)
        page = await browser.get("/console/admin/organisations")
        assert page.status_code == 200 and "机构" in page.text
        form = {
            "csrf_token": csrf_of(page.text),
            "name_zh": "临河区市场监督管理局",
            "name_en": "Linhe District AMR",
            "kind": "market_supervision",
            "division_code": "150802",
        }
        refused = await browser.post(
            "/console/admin/organisations", data=form | {"division_code": "152822"}
        )
        assert refused.status_code == 422 and "行政区划" in refused.text
        made = await browser.post("/console/admin/organisations", data=form)
        assert made.status_code == 303, made.text
        linhe = await session.scalar(
            select(Organisation).where(Organisation.name_zh == "临河区市场监督管理局")
        )
        assert linhe is not None and linhe.division_code == "150802"
        edit = await browser.get(f"/console/admin/organisations/{linhe.id}")
        assert edit.status_code == 200 and "内蒙古自治区巴彦淖尔市临河区" in edit.text
        moved = await browser.post(
            f"/console/admin/organisations/{linhe.id}/members",
            data={"csrf_token": csrf_of(edit.text), "user_id": str(clerk.id)},
        )
        assert moved.status_code == 303
    await session.refresh(clerk)
    assert clerk.organisation_id == linhe.id


async def test_a_county_bureau_sees_its_county_in_the_console(app, session) -> None:
    county = await factories.organisation(session, division_code="150821")
    clerk = await factories.user(session, Role.REGULATOR, organisation_id=county.id)
    own = await factories.enterprise(session, name="五原县本县企业")
    wuhai = await factories.enterprise(
        session,
        name="乌海市外地企业",
        division_code="150302",
        uscc=factories.compose("91", "150302", "MK000002"),
    )
    async with client_for(app) as browser:
        await log_in(browser, clerk.username)
        listed = await browser.get("/console/enterprises")
        assert own.name in listed.text and wuhai.name not in listed.text
        assert (await browser.get(f"/console/enterprises/{wuhai.id}")).status_code == 404
        assert (await browser.get(f"/console/enterprises/{own.id}")).status_code == 200
    assert await session.scalar(select(User.id).where(User.id == clerk.id))
