"""Print runs and the ledger: recorded by the licensee for its own batches, counted per
enterprise and product, exported as XLSX, CSV and a signable PDF, and never shown to another
enterprise's licensee."""

from __future__ import annotations

import io

import factories
import pypdfium2
import pytest
from openpyxl import load_workbook

from app.core.principal import Role
from app.core.time import utcnow
from app.label.code import LabelCodec
from app.label.models import BatchStatus, LabelScanStat, LabelStatus

PRINTER_USCC = factories.make_uscc(700001)


@pytest.fixture
async def world(session, client, test_settings):
    product = await factories.product(session, name_zh="五原向日葵")
    mine = await factories.enterprise(session, name="丰瑞农业")
    other = await factories.enterprise(session, name="河套食品")
    licence = await factories.licence(session, mine.id, product.id)
    issued = await factories.batch(session, licence, quantity=4)
    requested = await factories.batch(
        session, licence, quantity=50, status=BatchStatus.REQUESTED, issued_at=None
    )
    codec = LabelCodec(test_settings.label_key_bytes(), test_settings.label_current_key_id)
    labels = await factories.labels(session, issued, codec.mint_many(4))
    labels[0].status = LabelStatus.VOID
    labels[1].status = LabelStatus.REVOKED
    now = utcnow()
    session.add(
        LabelScanStat(code=labels[2].code, scan_count=7, first_scanned_at=now, last_scanned_at=now)
    )
    other_licence = await factories.licence(session, other.id, product.id)
    theirs = await factories.batch(session, other_licence)
    await session.flush()
    return {
        "product": product,
        "mine": mine,
        "other": other,
        "issued": issued,
        "requested": requested,
        "theirs": theirs,
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, mine.id),
        "other_licensee": await factories.auth_headers(session, client, Role.LICENSEE, other.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


def run_body(batch_id: int, **overrides) -> dict:
    return {
        "batch_id": batch_id,
        "printer_name": "巴彦淖尔市印刷厂",
        "printer_uscc": PRINTER_USCC,
        "printed_on": "2026-11-02",
        "quantity": 6,
        "spoiled": 1,
        "destroyed": 1,
        "destroyed_reason": "套印错位，监督销毁",
    } | overrides


def ledger_url(w, suffix: str = "", **params) -> str:
    query = f"enterprise_id={w['mine'].id}&product_id={w['product'].id}"
    query += "".join(f"&{k}={v}" for k, v in params.items())
    return f"/api/v1/ledger{suffix}?{query}"


async def _record(client, w) -> None:
    response = await client.post(
        "/api/v1/print-runs", json=run_body(w["issued"].id), headers=w["licensee"]
    )
    assert response.status_code == 201, response.text


async def test_print_runs_are_checked_and_scoped(session, client, world) -> None:
    w = world
    post = client.post
    other = await post("/api/v1/print-runs", json=run_body(w["theirs"].id), headers=w["licensee"])
    assert other.status_code == 404
    unissued = await post(
        "/api/v1/print-runs", json=run_body(w["requested"].id), headers=w["licensee"]
    )
    assert unissued.status_code == 409
    no_reason = run_body(w["issued"].id, destroyed_reason=None)
    refused = await post("/api/v1/print-runs", json=no_reason, headers=w["licensee"])
    assert refused.status_code == 422 and "destroyed_reason" in refused.text
    bad_uscc = run_body(w["issued"].id, printer_uscc=PRINTER_USCC[:-1] + "0")
    assert (
        await post("/api/v1/print-runs", json=bad_uscc, headers=w["licensee"])
    ).status_code == 422
    staff = await post("/api/v1/print-runs", json=run_body(w["issued"].id), headers=w["regulator"])
    assert staff.status_code == 403


async def test_the_ledger_counts_and_reconciles(session, client, world) -> None:
    await _record(client, world)
    ledger = (await client.get(ledger_url(world), headers=world["licensee"])).json()
    assert (ledger["batches_requested"], ledger["batches_approved"], ledger["batches_issued"]) == (
        2,
        1,
        1,
    )
    assert (ledger["labels_requested"], ledger["labels_issued"]) == (54, 4)
    assert (ledger["labels_printed"], ledger["labels_spoiled"], ledger["labels_destroyed"]) == (
        6,
        1,
        1,
    )
    assert (ledger["labels_voided"], ledger["labels_revoked"], ledger["scans"]) == (1, 1, 7)
    issued = next(b for b in ledger["batches"] if b["batch_id"] == world["issued"].id)
    assert issued["unaccounted"] == 0  # 6 printed − 1 spoiled − 1 destroyed = 4 issued
    assert ledger["print_runs"][0]["printer_uscc"] == PRINTER_USCC


async def test_a_licensee_cannot_see_another_enterprise_ledger(session, client, world) -> None:
    for suffix, params in (("", {}), ("/export", {"format": "pdf"})):
        url = ledger_url(world, suffix, **params)
        assert (await client.get(url, headers=world["other_licensee"])).status_code == 404
        assert (await client.get(url, headers=world["regulator"])).status_code == 200


async def test_the_xlsx_and_csv_exports(session, client, world) -> None:
    await _record(client, world)
    xlsx = await client.get(ledger_url(world, "/export", format="xlsx"), headers=world["licensee"])
    assert xlsx.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "地理标志专用标志印制、发放、使用和溯源管理台账"
    assert ["统一社会信用代码", world["mine"].uscc] == rows[2][:2]
    totals = {row[0]: row[1] for row in rows if row and row[0] and row[1] is not None}
    assert (totals["发放枚数"], totals["印制枚数"], totals["作废枚数"], totals["扫码次数"]) == (
        4,
        6,
        1,
        7,
    )
    run_row = next(row for row in rows if row[1] == "巴彦淖尔市印刷厂")
    assert run_row[2] == PRINTER_USCC and run_row[7] == "套印错位，监督销毁"

    csv = await client.get(ledger_url(world, "/export", format="csv"), headers=world["regulator"])
    text = csv.content.decode("utf-8-sig")
    assert f"统一社会信用代码,{world['mine'].uscc}" in text and "巴彦淖尔市印刷厂" in text


async def test_the_pdf_carries_the_figures_and_a_signature_block(session, client, world) -> None:
    await _record(client, world)
    pdf = await client.get(ledger_url(world, "/export", format="pdf"), headers=world["regulator"])
    assert pdf.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(pdf.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    for expected in (
        "溯源管理台账",
        "丰瑞农业",
        world["mine"].uscc,
        "五原向日葵",
        "巴彦淖尔市印刷厂",
        "审核人（签名）",
        "职务",
        "（盖章）",
    ):
        assert expected in text, expected
