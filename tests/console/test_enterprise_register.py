"""The enterprise register on the console: search by name or USCC substring, CSV export,
register and edit with the GB 32100 check by the field, and a licensee that sees only its own
enterprise and may change only its contact details (as the API allows)."""

from __future__ import annotations

import csv
import io

import factories
from console_helpers import csrf_of
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.enterprise.models import Enterprise

NEW = {
    "name": "杭锦后旗河套葵花合作社",
    "region": "巴彦淖尔市杭锦后旗",
    "address": "杭锦后旗陕坝镇",
    "contact_name": "王经理",
    "contact_phone": "0478-1234567",
}


async def test_search_by_name_or_uscc_and_export(regulator_browser, world, session) -> None:
    melon = await factories.enterprise(session, name="=临河蜜瓜公司")
    by_name = await regulator_browser.get("/console/enterprises", params={"q": "丰瑞"})
    assert "五原县丰瑞农业开发有限公司" in by_name.text and "临河蜜瓜" not in by_name.text
    by_code = await regulator_browser.get("/console/enterprises", params={"q": melon.uscc[-8:]})
    assert "临河蜜瓜" in by_code.text and "丰瑞" not in by_code.text
    exported = await regulator_browser.get("/console/enterprises/export.csv", params={"q": "临河"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    text = exported.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the names as UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "企业名称" and len(rows) == 2
    assert rows[1][:2] == ["'=临河蜜瓜公司", melon.uscc]  # no formula runs in a spreadsheet


async def test_register_and_edit_an_enterprise(regulator_browser, world, session) -> None:
    token = csrf_of((await regulator_browser.get("/console/enterprises/new")).text)
    bad = {**NEW, "uscc": "91150821MA00000001", "csrf_token": token}
    refused = await regulator_browser.post("/console/enterprises", data=bad)
    assert refused.status_code == 422 and 'id="uscc-error"' in refused.text
    assert (
        'value="杭锦后旗河套葵花合作社"' in refused.text
        and 'value="91150821MA00000001"' in refused.text
    )
    uscc = factories.make_uscc(990001)
    done = await regulator_browser.post("/console/enterprises", data={**bad, "uscc": uscc})
    assert done.status_code == 303, done.text
    created = await session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    assert created is not None and created.contact_phone == "0478-1234567"

    registered = await session.get(Enterprise, world.licence.enterprise_id)
    taken = {**NEW, "uscc": registered.uscc}
    refused = await regulator_browser.post(
        f"/console/enterprises/{created.id}", data={**taken, "csrf_token": token}
    )
    assert refused.status_code == 409 and 'id="uscc-error"' in refused.text
    edit = {**NEW, "uscc": uscc, "region": "巴彦淖尔市临河区", "csrf_token": token}
    done = await regulator_browser.post(f"/console/enterprises/{created.id}", data=edit)
    assert done.status_code == 303
    await session.refresh(created)
    assert created.region == "巴彦淖尔市临河区"
    actions = await session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "enterprise", AuditEvent.object_id == str(created.id)
        )
    )
    assert {"enterprise.create", "enterprise.update"} <= set(actions)


async def test_a_licensee_sees_its_own_and_edits_only_its_contact(
    licensee_browser, world, session
) -> None:
    own = await session.get(Enterprise, world.licence.enterprise_id)
    other_id = world.other_licence.enterprise_id
    listed = await licensee_browser.get("/console/enterprises")
    assert own.name in listed.text and "别家公司" not in listed.text
    assert "/console/enterprises/new" not in listed.text
    assert (await licensee_browser.get(f"/console/enterprises/{other_id}")).status_code == 404
    page = await licensee_browser.get(f"/console/enterprises/{own.id}")
    assert (
        page.status_code == 200 and f'action="/console/enterprises/{own.id}/contact"' in page.text
    )
    assert 'name="name"' not in page.text  # nothing else is editable
    token = csrf_of(page.text)
    refused = await licensee_browser.post(
        f"/console/enterprises/{own.id}/contact",
        data={"csrf_token": token, "contact_name": "李会计", "contact_email": "not-an-address"},
    )
    assert refused.status_code == 422 and 'id="contact_email-error"' in refused.text
    assert 'value="李会计"' in refused.text
    done = await licensee_browser.post(
        f"/console/enterprises/{own.id}/contact",
        data={"csrf_token": token, "contact_name": "李会计", "contact_phone": "13800000000"},
    )
    assert done.status_code == 303
    await session.refresh(own)
    assert own.contact_name == "李会计" and own.contact_phone == "13800000000"
    whole = {**NEW, "uscc": own.uscc, "csrf_token": token}
    assert (
        await licensee_browser.post(f"/console/enterprises/{own.id}", data=whole)
    ).status_code == 403
    assert (await licensee_browser.get("/console/enterprises/new")).status_code == 403
    other = await licensee_browser.post(
        f"/console/enterprises/{other_id}/contact", data={"csrf_token": token, "contact_name": "x"}
    )
    assert other.status_code == 404


async def test_a_forged_csrf_token_is_refused(regulator_browser, world, session) -> None:
    target = await session.get(Enterprise, world.licence.enterprise_id)
    name = target.name
    for url in (
        "/console/enterprises",
        f"/console/enterprises/{target.id}",
        f"/console/enterprises/{target.id}/contact",
    ):
        data = {**NEW, "uscc": factories.make_uscc(990002), "name": "伪造"}
        assert (
            await regulator_browser.post(url, data={**data, "csrf_token": "x"})
        ).status_code == 403
        assert (await regulator_browser.post(url, data=data)).status_code == 403
    await session.refresh(target)
    assert target.name == name and target.contact_name != "王经理"
