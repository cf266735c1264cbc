"""The supervision pages of the staff console, over HTTP with the console's cookie: the roster
import with its per-line report (nothing written), the use rate listing non-users, the use
report form (refusal by the field, what was typed kept) and review, the ledger and its
exports scoped to the licensee's own enterprise."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import factories
import httpx
from sqlalchemy import func, select
from supervision_world import local, on_roster, wuyuan_product

from app.core.principal import Role
from app.supervision.models import RosterEntry, UseReport, UseReportStatus

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HEADER = "uscc,name,division_code,kind,exporter,source,on_roster"


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@asynccontextmanager
async def signed_in(
    app, session, role: Role, enterprise_id: int | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client (https: the session cookie is Secure) signed in as a new user."""
    account = await factories.user(session, role, enterprise_id)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        form = await client.get("/console/login")
        data = {"username": account.username, "password": factories.PASSWORD}
        data["csrf_token"] = csrf_of(form.text)
        assert (await client.post("/console/login", data=data)).status_code == 303
        yield client


async def test_roster_import_shows_the_bad_lines_and_writes_nothing(app, session) -> None:
    product = await wuyuan_product(session)
    async with signed_in(app, session, Role.REGULATOR) as browser:
        page = await browser.get(f"/console/roster?product_id={product.id}")
        assert page.status_code == 200 and "生产经营主体名录" in page.text
        good = f"{factories.make_uscc(830001)},丰瑞农业,150821,加工企业,是,摸底,2026-01-01"
        bad = "91150821MA00000000,坏企业,150821,加工企业,否,摸底,2026-01-01"
        data = {"csrf_token": csrf_of(page.text), "product_id": str(product.id)}
        files = {"file": ("roster.csv", "\n".join([HEADER, good, bad]).encode())}
        refused = await browser.post("/console/roster/import", data=data, files=files)
        assert refused.status_code == 422
        problems = re.search(r'<table id="import-problems">.*?</table>', refused.text, re.S)
        assert problems and "<td>3</td>" in problems.group(0)
        assert await session.scalar(select(func.count()).select_from(RosterEntry)) == 0

        files = {"file": ("roster.csv", "\n".join([HEADER, good]).encode())}
        done = await browser.post("/console/roster/import", data=data, files=files)
        assert done.status_code == 303
        listed = await browser.get(done.headers["location"])
        assert "新增 1" in listed.text and factories.make_uscc(830001) in listed.text
        template = await browser.get("/console/roster/template.xlsx")
        assert template.content.startswith(b"PK")


async def test_the_use_rate_page_lists_non_users(app, session) -> None:
    product = await wuyuan_product(session)
    user = await factories.enterprise(session)
    licence = await factories.licence(session, user.id, product.id)
    await factories.batch(session, licence, issued_at=local(2025, 6, 1))
    await on_roster(session, product, user.uscc)
    idle = await on_roster(session, product, factories.make_uscc(830002), name="沉睡合作社")
    async with signed_in(app, session, Role.REGULATOR) as browser:
        page = await browser.get(f"/console/use-rate?product_id={product.id}&period=2025")
        assert page.status_code == 200
        assert "<span data-rate>50.0%</span>" in page.text and "未达到目标" in page.text
        assert idle.name in page.text and idle.uscc in page.text
        assert "巴彦淖尔市" in page.text  # the figures one level down: the city
        bad = await browser.get(f"/console/use-rate?product_id={product.id}&period=2025-13")
        assert bad.status_code == 422 and 'role="alert"' in bad.text


async def test_use_report_form_refusal_keeps_what_was_typed_then_review(app, session) -> None:
    product = await factories.product(session)
    company = await factories.enterprise(session)
    await factories.licence(session, company.id, product.id)
    fields = {
        "product_id": str(product.id),
        "year": "2025",
        "produced_kg": "1200",
        "sold_domestic_kg": "800",
        "sold_export_kg": "-5",
        "output_value_yuan": "36000",
        "labels_applied": "2000",
        "packaging_printed": "0",
        "sales_channels": "电商平台",
        "authorised_shops": "",
    }
    async with signed_in(app, session, Role.LICENSEE, company.id) as browser:
        form = await browser.get("/console/use-reports/new")
        token = csrf_of(form.text)
        refused = await browser.post(
            "/console/use-reports/new", data=fields | {"csrf_token": token}
        )
        assert refused.status_code == 422
        assert 'id="sold_export_kg-error"' in refused.text and 'value="1200"' in refused.text
        assert "电商平台" in refused.text
        fields["sold_export_kg"] = "300"
        sent = await browser.post("/console/use-reports/new", data=fields | {"csrf_token": token})
        assert sent.status_code == 303
    report = await session.scalar(select(UseReport).where(UseReport.enterprise_id == company.id))
    assert report is not None and report.status is UseReportStatus.SUBMITTED

    async with signed_in(app, session, Role.REGULATOR) as browser:
        listing = await browser.get(f"/console/use-reports?product_id={product.id}&year=2025")
        missing = re.search(r'<table id="missing-reports">.*?</table>', listing.text, re.S)
        assert missing and company.uscc not in missing.group(0)  # it has reported
        token = csrf_of(listing.text)
        url = f"/console/use-reports/{report.id}/accept"
        assert (await browser.post(url, data={"csrf_token": token})).status_code == 303
    await session.refresh(report)
    assert report.status is UseReportStatus.ACCEPTED


async def test_the_ledger_page_and_exports_are_the_licensee_own(app, session) -> None:
    product = await factories.product(session)
    mine, other = await factories.enterprise(session), await factories.enterprise(session)
    licence = await factories.licence(session, mine.id, product.id)
    await factories.batch(session, licence, lot_number="LOT-MINE-1")
    async with signed_in(app, session, Role.LICENSEE, mine.id) as browser:
        page = await browser.get(f"/console/ledger?product_id={product.id}")
        assert page.status_code == 200 and "LOT-MINE-1" in page.text and mine.uscc in page.text
        pdf = await browser.get(f"/console/ledger/export.pdf?product_id={product.id}")
        assert pdf.headers["content-type"] == "application/pdf"
        theirs = f"/console/ledger?product_id={product.id}&enterprise_id={other.id}"
        assert (await browser.get(theirs)).status_code == 404
        export = f"/console/ledger/export.xlsx?product_id={product.id}&enterprise_id={other.id}"
        assert (await browser.get(export)).status_code == 404


async def test_single_entry_form_refusal_by_the_field_then_edit(app, session) -> None:
    product = await wuyuan_product(session)
    uscc = factories.make_uscc(830003)
    fields = {
        "uscc": uscc,
        "name": "磴口县来的企业",
        "division_code": "150822",
        "kind": "trader",
        "exporter": "on",
        "source": "企业申报",
        "on_roster": "2026-01-05",
        "closed_on": "",
    }
    async with signed_in(app, session, Role.REGULATOR) as browser:
        form = await browser.get(f"/console/roster/new?product_id={product.id}")
        fields["csrf_token"] = csrf_of(form.text)
        url = f"/console/roster/new?product_id={product.id}"
        refused = await browser.post(url, data=fields)
        assert refused.status_code == 422
        assert 'id="division_code-error"' in refused.text and "保护范围" in refused.text
        assert 'value="磴口县来的企业"' in refused.text and 'value="150822"' in refused.text
        assert await session.scalar(select(func.count()).select_from(RosterEntry)) == 0

        created = await browser.post(url, data=fields | {"division_code": "150821"})
        assert created.status_code == 303
        entry = await session.scalar(select(RosterEntry).where(RosterEntry.uscc == uscc))
        assert entry is not None and entry.exporter

        edit = f"/console/roster/{entry.id}/edit"
        page = await browser.get(edit)
        assert 'value="150821"' in page.text and " checked" in page.text
        early = fields | {"division_code": "150821", "closed_on": "2025-12-31"}
        assert (await browser.post(edit, data=early)).status_code == 422
        closed = early | {"closed_on": "2026-06-30"}
        closed.pop("exporter")  # unticked
        assert (await browser.post(edit, data=closed)).status_code == 303
    await session.refresh(entry)
    assert str(entry.closed_on) == "2026-06-30" and entry.exporter is False
