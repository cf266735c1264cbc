"""Console lists (issue 12, point 7): paginated by keyset, sortable on indexed columns,
searchable by Chinese substring, names not ids, CSV export of the same filter."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import factories
import pytest
from console_helpers import client_for, csrf_of, log_in

from app.console import admin, batches
from app.core.principal import Role


def _csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "Excel needs the BOM to read Chinese"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
async def admin_browser(app, session):  # type: ignore[no-untyped-def]
    me = await factories.user(session, Role.ADMIN, username="aadmin", display_name="管理员")
    async with client_for(app) as client:
        assert (await log_in(client, me.username)).status_code == 303
        yield client


async def test_users_are_searched_filtered_sorted_paged_and_exported(
    admin_browser, session, monkeypatch
) -> None:
    company = await factories.enterprise(session, name="五原县丰瑞农业开发有限公司")
    await factories.user(session, Role.REGULATOR, username="wang", display_name="王科员")
    await factories.user(session, Role.REGULATOR, username="li", display_name="李科长")
    await factories.user(
        session, Role.LICENSEE, company.id, username="zhao", display_name="=HYPERLINK(1)"
    )
    found = await admin_browser.get("/console/admin/users", params={"q": "科员"})
    assert "王科员" in found.text and "李科长" not in found.text
    licensees = await admin_browser.get("/console/admin/users", params={"role": "licensee"})
    assert "五原县丰瑞农业开发有限公司" in licensees.text and "王科员" not in licensees.text
    descending = await admin_browser.get("/console/admin/users", params={"sort": "-username"})
    order = [
        name for name in ("zhao", "wang", "li", "aadmin") if f"<td>{name}</td>" in descending.text
    ]
    assert order == ["zhao", "wang", "li", "aadmin"]
    positions = [descending.text.index(f"<td>{name}</td>") for name in order]
    assert positions == sorted(positions)
    assert 'aria-sort="descending"' in descending.text
    # Paged within a search, so users other tests committed to a shared database stay out.
    monkeypatch.setattr(admin, "USER_LIST", replace(admin.USER_LIST, page_size=1))
    first = await admin_browser.get("/console/admin/users", params={"q": "科"})
    assert "<td>li</td>" in first.text and "<td>wang</td>" not in first.text
    following = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert following
    second = await admin_browser.get(following.group(1).replace("&amp;", "&"))
    assert "<td>wang</td>" in second.text and "<td>li</td>" not in second.text
    exported = await admin_browser.get(
        "/console/admin/users", params={"role": "licensee", "q": "HYPERLINK", "format": "csv"}
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = _csv(exported.text)
    assert rows[1][:4] == ["zhao", "'=HYPERLINK(1)", "licensee", "五原县丰瑞农业开发有限公司"]
    assert len(rows) == 2


async def test_a_bad_sort_or_cursor_is_a_422_page(admin_browser) -> None:
    assert (await admin_browser.get("/console/admin/users?sort=password_hash")).status_code == 422
    assert (await admin_browser.get("/console/admin/users?cursor=xyz")).status_code == 422


async def test_batches_list_is_scoped_searched_paged_and_exported(
    licensee_browser, world, session, monkeypatch
) -> None:
    for n in range(3):
        await factories.batch(session, world.licence, lot_number=f"WY-2026-00{n}")
    await factories.batch(session, world.other_licence, lot_number="OTHER-LOT")
    listed = await licensee_browser.get("/console/batches")
    assert listed.status_code == 200
    assert "WY-2026-002" in listed.text and "OTHER-LOT" not in listed.text
    assert "五原县丰瑞农业开发有限公司" in listed.text and "五原向日葵" in listed.text
    other = await licensee_browser.get("/console/batches", params={"q": "OTHER"})
    assert "OTHER-LOT" not in other.text and "没有符合条件的批次" in other.text
    by_name = await licensee_browser.get("/console/batches", params={"q": "丰瑞"})
    assert by_name.text.count('<td><a href="/console/batches/') == 3
    monkeypatch.setattr(batches, "BATCH_LIST", replace(batches.BATCH_LIST, page_size=2))
    first = await licensee_browser.get("/console/batches", params={"q": "WY"})
    assert "WY-2026-002" in first.text and "WY-2026-000" not in first.text
    following = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert following and "q=WY" in following.group(1)
    second = await licensee_browser.get(following.group(1).replace("&amp;", "&"))
    assert "WY-2026-000" in second.text and "WY-2026-002" not in second.text
    oldest_first = await licensee_browser.get("/console/batches", params={"sort": "id"})
    assert oldest_first.text.index("WY-2026-000") < oldest_first.text.index("WY-2026-001")
    exported = await licensee_browser.get("/console/batches", params={"q": "WY", "format": "csv"})
    rows = _csv(exported.text)
    assert sorted(row[0] for row in rows[1:]) == ["WY-2026-000", "WY-2026-001", "WY-2026-002"]
    assert all(row[1] == "五原县丰瑞农业开发有限公司" for row in rows[1:])
    unknown = await licensee_browser.get("/console/batches", params={"status": "requested"})
    assert "WY-2026-00" not in unknown.text


async def test_keys_are_searched_and_exported(admin_browser, session) -> None:
    page = await admin_browser.get("/console/admin/keys")
    for name in ("印刷厂甲", "ERP 系统"):
        key = page.text.split('name="idempotency_key" value="')[1].split('"')[0]
        data = {"csrf_token": csrf_of(page.text), "idempotency_key": key, "name": name}
        assert (await admin_browser.post("/console/admin/keys", data=data)).status_code == 201
        page = await admin_browser.get("/console/admin/keys")
    found = await admin_browser.get("/console/admin/keys", params={"q": "印刷"})
    assert "印刷厂甲" in found.text and "ERP 系统" not in found.text
    rows = _csv((await admin_browser.get("/console/admin/keys?format=csv")).text)
    assert sorted(row[0] for row in rows[1:]) == ["ERP 系统", "印刷厂甲"]
