"""The roster: single entries, the import (CSV and XLSX) with its per-line report, the
all-or-nothing rule, idempotent re-import, and the template."""

from __future__ import annotations

import io
from datetime import datetime

import factories
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from supervision_world import DENGKOU, WUYUAN, wuyuan_product

from app.audit.models import AuditEvent
from app.core.principal import Role
from app.supervision.models import RosterEntry

HEADER = "统一社会信用代码(uscc),名称(name),行政区划代码(division_code),类型(kind),出口企业(exporter),来源(source),列入名录日期(on_roster),退出日期(closed_on)"
U1, U2, U3 = (factories.make_uscc(n) for n in (810001, 810002, 810003))


def _csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8")


GOOD_ROWS = (
    f"{U1},丰瑞农业,150821,加工企业,是,摸底,2026-01-01,",
    f"{U2},河套合作社,150802,种植合作社,否,摸底,2026-01-01,",
)
BAD_ROWS = (
    f"{U3[:-1]}0,错码企业,150821,加工企业,否,摸底,2026-01-01,",  # line 4: check character
    f"{U3},区外企业,{DENGKOU},贸易企业,否,摸底,2026-01-01,",  # line 5: outside the area
    f"{U1},重复企业,150821,加工企业,否,摸底,2026-01-01,",  # line 6: U1 again
    f"{factories.make_uscc(810004)},无类型,150821,,否,摸底,2026-01-01,",  # line 7: no kind
)


@pytest.fixture
async def setting(session, client):
    product = await wuyuan_product(session)
    headers = await factories.auth_headers(session, client, Role.REGULATOR)
    return product, headers


async def _import(client, headers, product, data: bytes, name="roster.csv", good=False):
    return await client.post(
        "/api/v1/roster/import",
        headers=headers,
        data={"product_id": str(product.id), "import_good_rows": str(good).lower()},
        files={"file": (name, data)},
    )


async def _count(session, model=RosterEntry) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_bad_rows_are_reported_by_line_and_nothing_is_written(session, client, setting):
    product, headers = setting
    response = await _import(client, headers, product, _csv(*GOOD_ROWS, *BAD_ROWS))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problems = {p["line"]: p["reason"] for p in response.json()["problems"]}
    assert sorted(problems) == [4, 5, 6, 7]
    assert "(check)" in problems[4]
    assert "outside the protected area" in problems[5] and DENGKOU in problems[5]
    assert "line 2" in problems[6]
    assert problems[7].startswith("kind")
    assert await _count(session) == 0


async def test_the_good_rows_on_request_and_a_reimport_changes_nothing(session, client, setting):
    product, headers = setting
    data = _csv(*GOOD_ROWS, *BAD_ROWS)
    first = (await _import(client, headers, product, data, good=True)).json()
    assert (first["created"], first["skipped"]) == (2, 4)
    assert [p["line"] for p in first["problems"]] == [4, 5, 6, 7]
    events = await _count(session, AuditEvent)

    again = (await _import(client, headers, product, data, good=True)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert await _count(session) == 2 and await _count(session, AuditEvent) == events

    changed = data.replace("丰瑞农业".encode(), "丰瑞农业开发".encode())
    third = (await _import(client, headers, product, changed, good=True)).json()
    assert (third["updated"], third["unchanged"]) == (1, 1)


async def test_a_county_bureau_imports_its_county_only(session, client, setting):
    """Issue 14.1: 五原县's bureau keeps 五原县's roster. A row in 临河区 is a bad row, and so
    is a row for an enterprise 临河区's entry already holds (the file must not move it)."""
    product, region = setting
    bureau = await factories.organisation(session, division_code=WUYUAN)
    clerk = await factories.user(session, Role.REGULATOR, organisation_id=bureau.id)
    county = await factories.login(client, clerk.username)
    linhe = f"{U2},河套合作社,150802,种植合作社,否,摸底,2026-01-01,"
    assert (await _import(client, region, product, _csv(linhe))).status_code == 200
    moved = f"{U2},河套合作社,{WUYUAN},种植合作社,否,摸底,2026-01-01,"
    outside = f"{U3},临河企业,150802,加工企业,否,摸底,2026-01-01,"
    data = _csv(GOOD_ROWS[0], moved, outside)
    refused = await _import(client, county, product, data)
    assert refused.status_code == 422, refused.text
    problems = {p["line"]: p["reason"] for p in refused.json()["problems"]}
    assert sorted(problems) == [3, 4]
    assert "another division" in problems[3] and "150802" in problems[4]
    assert await _count(session) == 1

    partial = (await _import(client, county, product, data, good=True)).json()
    assert (partial["created"], partial["skipped"]) == (1, 2)
    stored = await session.scalar(select(RosterEntry).where(RosterEntry.uscc == U2))
    assert stored is not None and stored.division_code == "150802"  # still 临河区's


async def test_an_xlsx_with_date_and_number_cells(session, client, setting):
    product, headers = setting
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([U1, "丰瑞农业", 150821, "processor", "yes", "摸底", datetime(2026, 2, 1), None])
    sheet.append([U2, "河套合作社", "150802", "grower", "否", "摸底", "2026-02-01", None])
    sheet.append([None] * 8)  # an empty line is no row
    sheet.append(["bad", "坏行", "999999", "trader", "否", "摸底", "2026-02-01", None])
    out = io.BytesIO()
    book.save(out)
    refused = await _import(client, headers, product, out.getvalue(), name="名录.xlsx")
    assert [p["line"] for p in refused.json()["problems"]] == [5]
    assert "uscc" in refused.json()["problems"][0]["reason"]
    assert "division_code" in refused.json()["problems"][0]["reason"]
    report = (await _import(client, headers, product, out.getvalue(), "名录.xlsx", True)).json()
    assert report["created"] == 2
    listed = (await client.get(f"/api/v1/roster?product_id={product.id}", headers=headers)).json()
    first = next(i for i in listed["items"] if i["uscc"] == U1)
    assert (first["division_code"], first["on_roster"], first["exporter"]) == (
        WUYUAN,
        "2026-02-01",
        True,
    )


async def test_the_template_imports_as_it_is(session, client, setting):
    product, headers = setting
    xlsx = await client.get("/api/v1/roster/template?format=xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "统一社会信用代码(uscc)" and sheet["C2"].value == WUYUAN
    csv = await client.get("/api/v1/roster/template?format=csv", headers=headers)
    report = (await _import(client, headers, product, csv.content)).json()
    assert report["created"] == 1
    assert (await _import(client, headers, product, xlsx.content, "t.xlsx")).json()[
        "unchanged"
    ] == 1


async def test_a_header_without_the_columns_is_refused(session, client, setting):
    product, headers = setting
    response = await _import(client, headers, product, b"a,b\n1,2\n")
    assert response.status_code == 422 and "line 1" in response.json()["detail"]


async def test_single_entry_create_edit_and_refusals(session, client, setting):
    product, headers = setting
    company = await factories.enterprise(session, uscc=U1)
    body = {
        "product_id": product.id,
        "uscc": U1.lower(),
        "name": "丰瑞农业",
        "division_code": WUYUAN,
        "kind": "processor",
        "exporter": True,
        "source": "企业申报",
        "on_roster": "2026-01-01",
    }
    created = await client.post("/api/v1/roster", json=body, headers=headers)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["uscc"] == U1 and entry["enterprise_id"] == company.id  # linked by USCC
    again = await client.post("/api/v1/roster", json=body, headers=headers)
    assert again.status_code == 409 and again.json()["entry_id"] == entry["id"]

    outside = body | {"uscc": U2, "division_code": DENGKOU}
    refused = await client.post("/api/v1/roster", json=outside, headers=headers)
    assert refused.status_code == 422 and refused.json()["code"] == "outside_protected_area"

    closed = {k: v for k, v in body.items() if k != "product_id"} | {"closed_on": "2026-06-30"}
    edited = await client.put(f"/api/v1/roster/{entry['id']}", json=closed, headers=headers)
    assert edited.json()["closed_on"] == "2026-06-30"
    licensee = await factories.auth_headers(session, client, Role.LICENSEE)
    assert (await client.post("/api/v1/roster", json=body, headers=licensee)).status_code == 403


async def test_an_edit_onto_another_entrys_uscc_is_a_conflict(session, client, setting):
    """Found by fuzzing: the unique (product, USCC) broke as a 500 when an edit took a USCC that
    another entry of the product holds."""
    product, headers = setting
    body = {
        "product_id": product.id,
        "name": "丰瑞农业",
        "division_code": WUYUAN,
        "kind": "processor",
        "exporter": False,
        "source": "摸底",
        "on_roster": "2026-01-01",
    }
    first = (await client.post("/api/v1/roster", json=body | {"uscc": U1}, headers=headers)).json()
    second = (await client.post("/api/v1/roster", json=body | {"uscc": U2}, headers=headers)).json()
    fields = {k: v for k, v in body.items() if k != "product_id"} | {"uscc": U1}
    taken = await client.put(f"/api/v1/roster/{second['id']}", json=fields, headers=headers)
    assert taken.status_code == 409, taken.text
    assert taken.json()["entry_id"] == first["id"]
    kept = await client.get(f"/api/v1/roster/{second['id']}", headers=headers)
    assert kept.json()["uscc"] == U2


async def test_ids_in_a_query_or_a_form_are_documented_as_404(client):
    """Found by fuzzing: a ledger of enterprise 0 or an import into product 0 answers 404, and
    the OpenAPI document says it can."""
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "404" in paths["/api/v1/ledger"]["get"]["responses"]
    assert "404" in paths["/api/v1/roster/import"]["post"]["responses"]
    export = paths["/api/v1/ledger/export"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in export and "text/csv; charset=utf-8" in export
