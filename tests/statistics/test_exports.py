"""The annual report as XLSX (opened with openpyxl, cells checked) and as PDF (rendered, its
text extracted and checked); the open data: no personal or per-code field, counts under 5
suppressed."""

from __future__ import annotations

import io
import json
from datetime import date

import factories
import pypdfium2
import pytest
from openpyxl import load_workbook
from stats_world import LINHE, WUYUAN, add_scans, at, build, inspection, scan
from stats_world import withdraw_licence as withdraw

from app.core.principal import Role
from app.core.time import public_today, utcnow
from app.enterprise.models import Enterprise
from app.inspection.models import InspectionResult
from app.statistics import rollup

YEAR = public_today().year - 1


@pytest.fixture
async def world(session):
    built = await build(session, YEAR)
    await add_scans(
        session,
        built,
        [scan(built.code(WUYUAN, 3), at(date(YEAR, 2, 1)), where=(40.9, 108.3))] * 1
        + [scan(built.code(LINHE, n), at(date(YEAR, 4, 6))) for n in range(6)],
    )
    await inspection(session, built.batches[WUYUAN], date(YEAR, 3, 1), InspectionResult.PASS)
    await inspection(session, built.batches[LINHE], date(YEAR, 6, 2), InspectionResult.FAIL)
    await withdraw(session, built.batches[LINHE], at(date(YEAR, 9, 1)))
    await rollup.refresh(session, utcnow())
    return built


@pytest.fixture
async def regulator(session, client):
    return await factories.auth_headers(session, client, Role.REGULATOR)


async def _annual(client, headers, product_id: int, fmt: str, **extra) -> bytes:
    response = await client.get(
        "/api/v1/stats/annual-report",
        headers=headers,
        params={"product_id": product_id, "year": YEAR, "format": fmt, **extra},
    )
    assert response.status_code == 200, response.text
    assert "annual-report-" in response.headers["content-disposition"]
    return response.content


async def test_the_xlsx_holds_the_figures_the_acts_and_a_signature_block(
    client, regulator, world
) -> None:
    body = await _annual(client, regulator, world.product.id, "xlsx")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == [
        "主要数据",
        "月度标签与扫码",
        "监督抽检及结果",
        "执法措施",
        "消费者举报及处理",
        "签章",
    ]
    summary = {row[0]: row[1] for row in book["主要数据"].iter_rows(min_row=3, values_only=True)}
    assert (
        "统计向日葵" in book["主要数据"]["A1"].value and str(YEAR) in book["主要数据"]["A1"].value
    )
    assert summary["发放标签（枚）"] == "19"
    assert summary["作废标签（枚）"] == "2"
    assert summary["扫码查验（次）"] == "7"
    assert summary["监督抽检（次）"] == "2" and summary["抽检合格率"] == "50.0%"
    assert summary["撤回许可（件）"] == "1"
    # The roster's rate (app.supervision): this world has no roster, so no rate, and no number.
    assert summary["名录内在营主体"] == "0"
    assert summary["专用标志使用率"] == "—（目标 90.0%）"
    months = list(book["月度标签与扫码"].iter_rows(values_only=True))
    assert months[0] == ("月份", "发放", "作废", "撤销", "扫码", "疑似复制")
    assert months[1] == (f"{YEAR}-01", 12, 0, 0, 0, 0)
    assert months[4] == (f"{YEAR}-04", 0, 0, 0, 6, 0)
    checks = list(book["监督抽检及结果"].iter_rows(min_row=2, values_only=True))
    assert [row[5] for row in checks] == ["合格", "不合格"]
    acts = list(book["执法措施"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in acts] == ["撤回许可"]
    assert [row[0] for row in book["签章"].iter_rows(values_only=True)][:3] == [
        "填报单位",
        "负责人",
        "职务",
    ]

    linhe = load_workbook(
        io.BytesIO(await _annual(client, regulator, world.product.id, "xlsx", division=LINHE))
    )
    linhe_summary = {
        row[0]: row[1] for row in linhe["主要数据"].iter_rows(min_row=3, values_only=True)
    }
    assert linhe_summary["发放标签（枚）"] == "7" and "临河区" in linhe["主要数据"]["A1"].value


async def test_the_pdf_renders_and_reads_back(client, regulator, world) -> None:
    body = await _annual(client, regulator, world.product.id, "pdf")
    document = pypdfium2.PdfDocument(body)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert len(document) >= 1
    for expected in (
        "统计向日葵",
        f"{YEAR}年",
        "主要数据",
        "发放标签",
        "19",
        "监督抽检及结果",
        "不合格",
        "撤回许可",
        "签章",
        "负责人",
        "盖章",
    ):
        assert expected in text, expected
    page = document[0].render(scale=1).to_pil()
    assert page.getextrema() != ((255, 255), (255, 255), (255, 255))  # ink on the page


async def test_the_annual_report_needs_a_product_and_a_regulator(
    session, client, regulator
) -> None:
    assert (
        await client.get("/api/v1/stats/annual-report", headers=regulator, params={"year": 2025})
    ).status_code == 422
    licensee = await factories.auth_headers(session, client, Role.LICENSEE)
    refused = await client.get(
        "/api/v1/stats/annual-report", headers=licensee, params={"year": 2025, "product_id": 1}
    )
    assert refused.status_code == 403


async def test_open_data_carries_no_personal_field_and_suppresses_small_counts(
    session, client, world
) -> None:
    response = await client.get("/api/v1/public/statistics")  # no credentials
    assert response.status_code == 200
    data = response.json()
    text = json.dumps(data, ensure_ascii=False)
    for company in await session.scalars(__import__("sqlalchemy").select(Enterprise)):
        assert company.name not in text and company.uscc not in text
    for labels in world.labels.values():
        assert all(label.code not in text for label in labels)
    keys = set()

    def walk(value):
        if isinstance(value, dict):
            keys.update(value)
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    assert not keys & {
        "uscc",
        "enterprise",
        "enterprise_name",
        "contact",
        "code_list",
        "latitude",
        "longitude",
        "name",
    }
    assert data["suppressed_below"] == 5
    mine = next(p for p in data["products"] if p["code"] == world.product.code)
    year = next(y for y in mine["years"] if y["year"] == YEAR)["figures"]
    assert year["labels_issued"] == 19
    assert year["scans"] == 7
    assert year["labels_voided"] == "< 5" and year["labels_revoked"] == "< 5"
    assert year["inspections"] == "< 5"
    assert year["suspected_copies"] == 0  # zero reveals nobody
    other = next(p for p in data["products"] if p["code"] == world.other_product.code)
    assert next(y for y in other["years"] if y["year"] == YEAR)["figures"]["labels_issued"] == 5

    page = await client.get("/public/statistics")
    assert page.status_code == 200 and "统计向日葵" in page.text and "&lt; 5" in page.text
