"""The console's remaining lists (issue 12, point 7) on the shared list helper: licences,
consumer reports, suspicious codes and revocations each page by keyset, search by Chinese
substring, sort on an indexed column and export CSV with the same filter; a licensee sees
only its own rows (and its reports masked, in the CSV too). And the void confirmation says
how many of the labels shoppers have already scanned."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import factories
import httpx
import pytest
from acts_helpers import batch_with_labels, codec_of
from console_helpers import client_for, log_in
from licensee_helpers import token_of

from app.console import licences, reports, suspicious
from app.core.time import public_today, utcnow
from app.label.models import LabelScanStat
from app.licence.models import LicenceStatus
from app.report.models import ConsumerReport, ReportStatus
from app.revocation.models import Revocation, RevocationScope

COMPANY = "五原县丰瑞农业开发有限公司"  # world.licence's enterprise
OTHER = "别家公司"  # world.other_licence's enterprise


def _csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.startswith("\ufeff"), "Excel needs the BOM to read Chinese"
    return list(csv.reader(io.StringIO(response.text.removeprefix("\ufeff"))))


def _next_link(html: str) -> str:
    found = re.search(r'href="([^"]+)" rel="next"', html)
    assert found, "no link to the next page"
    return found.group(1).replace("&amp;", "&")


def _smaller_pages(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    monkeypatch.setattr(module, name, replace(getattr(module, name), page_size=1))


# Two signed-in browsers at once (the conftest's share one client): a regulator and the
# licensee of ``world.licence``.
@pytest.fixture
async def regulator(app, world):  # type: ignore[no-untyped-def]
    async with client_for(app) as client:
        assert (await log_in(client, world.regulator.username)).status_code == 303
        yield client


@pytest.fixture
async def licensee(app, world):  # type: ignore[no-untyped-def]
    async with client_for(app) as client:
        assert (await log_in(client, world.licensee.username)).status_code == 303
        yield client


# --- licences -------------------------------------------------------------------------------


async def _application(session, world, name: str, **overrides):  # type: ignore[no-untyped-def]
    company = await factories.enterprise(session, name=name)
    fields = {
        "number": None,
        "status": LicenceStatus.PENDING,
        "valid_from": None,
        "valid_until": None,
        "decided_at": None,
        "production_area_mu": Decimal("80"),
    }
    return await factories.licence(
        session, company.id, world.licence.product_id, **{**fields, **overrides}
    )


async def test_licences_are_the_queue_searched_sorted_paged_and_exported(
    regulator, world, session, monkeypatch
) -> None:
    first = await _application(session, world, "临河区向日葵合作社")
    await _application(session, world, "杭锦后旗葵花种植场")
    third = await _application(session, world, "乌拉特前旗葵花基地")
    lapsed_company = await factories.enterprise(session, name="过期的农场")
    await factories.licence(
        session,
        lapsed_company.id,
        world.licence.product_id,
        valid_until=public_today() - timedelta(days=1),
    )

    queue = await regulator.get("/console/queues")
    assert 'href="/console/licences?status=pending&amp;sort=id"' in queue.text
    pending = await regulator.get("/console/licences", params={"status": "pending"})
    assert pending.status_code == 200
    for name in ("临河区向日葵合作社", "杭锦后旗葵花种植场", "乌拉特前旗葵花基地"):
        assert name in pending.text
    assert COMPANY not in pending.text and "过期的农场" not in pending.text
    assert "五原向日葵" in pending.text  # the product by name, not id

    by_name = await regulator.get("/console/licences", params={"q": "葵花"})
    assert "杭锦后旗葵花种植场" in by_name.text and "乌拉特前旗葵花基地" in by_name.text
    assert "临河区向日葵合作社" not in by_name.text and COMPANY not in by_name.text
    company = await session.get(type(lapsed_company), first.enterprise_id)
    by_uscc = await regulator.get("/console/licences", params={"q": company.uscc})
    assert "临河区向日葵合作社" in by_uscc.text and "杭锦后旗" not in by_uscc.text
    number = world.licence.number
    by_number = await regulator.get("/console/licences", params={"q": number[-4:]})
    assert number in by_number.text and OTHER not in by_number.text

    expired = await regulator.get("/console/licences", params={"status": "expired"})
    assert "过期的农场" in expired.text and COMPANY not in expired.text
    active = await regulator.get("/console/licences", params={"status": "active"})
    assert COMPANY in active.text and "过期的农场" not in active.text  # the state as read

    newest = await regulator.get("/console/licences", params={"status": "pending"})
    assert newest.text.index("乌拉特前旗") < newest.text.index("临河区")
    oldest = await regulator.get("/console/licences", params={"status": "pending", "sort": "id"})
    assert oldest.text.index("临河区") < oldest.text.index("乌拉特前旗")
    assert 'aria-sort="ascending"' in oldest.text

    _smaller_pages(monkeypatch, licences, "LICENCE_LIST")
    page = await regulator.get("/console/licences", params={"status": "pending", "sort": "id"})
    assert f"/console/licences/{first.id}" in page.text
    assert f"/console/licences/{third.id}" not in page.text
    following = _next_link(page.text)
    assert "status=pending" in following and "sort=id" in following
    page = await regulator.get(_next_link((await regulator.get(following)).text))
    assert f"/console/licences/{third.id}" in page.text
    assert f"/console/licences/{first.id}" not in page.text
    assert 'rel="next"' not in page.text

    rows = _csv(await regulator.get("/console/licences?status=pending&q=葵花&format=csv"))
    assert sorted(row[1] for row in rows[1:]) == ["乌拉特前旗葵花基地", "杭锦后旗葵花种植场"]
    assert {(row[0], row[2], row[5]) for row in rows[1:]} == {("", "五原向日葵", "pending")}


async def test_a_licensee_lists_only_its_own_licences(licensee, world) -> None:
    page = await licensee.get("/console/licences")
    assert page.status_code == 200
    assert world.licence.number in page.text and world.other_licence.number not in page.text
    assert 'href="/console/licences"' in page.text  # the nav entry
    assert "没有符合条件" in (await licensee.get("/console/licences", params={"q": "别家"})).text
    rows = _csv(await licensee.get("/console/licences", params={"format": "csv"}))
    assert [row[0] for row in rows[1:]] == [world.licence.number]
    assert {row[1] for row in rows[1:]} == {COMPANY}
    other = await licensee.get(f"/console/licences/{world.other_licence.id}")
    assert other.status_code == 404


# --- consumer reports -----------------------------------------------------------------------

CONTACT = "王先生 13900001111"


async def _reports(session, world) -> list[ConsumerReport]:  # type: ignore[no-untyped-def]
    found = [
        ConsumerReport(
            enterprise_id=world.licence.enterprise_id,
            code="ABCD1234EFGH5678JKLM",
            what_was_seen="包装上的防伪码印刷模糊，电话 13900001111",
            where_bought="五原县某超市",
            contact=CONTACT,
            status=ReportStatus.NEW,
        ),
        ConsumerReport(
            enterprise_id=world.other_licence.enterprise_id,
            what_was_seen="价格异常便宜",
            status=ReportStatus.INVESTIGATING,
        ),
        ConsumerReport(what_was_seen='=HYPERLINK("x")', status=ReportStatus.NEW),
    ]
    for report in found:
        session.add(report)
        await session.flush()  # ids in this order
    return found


async def test_reports_are_searched_filtered_sorted_paged_and_exported(
    regulator, world, session, monkeypatch
) -> None:
    mine, theirs, unlinked = await _reports(session, world)
    queue = await regulator.get("/console/queues")
    assert 'href="/console/reports?status=new"' in queue.text
    found = await regulator.get("/console/reports", params={"q": "模糊"})
    assert f"/console/reports/{mine.id}" in found.text
    assert f"/console/reports/{theirs.id}" not in found.text and COMPANY in found.text
    by_enterprise = await regulator.get("/console/reports", params={"q": "别家"})
    assert f"/console/reports/{theirs.id}" in by_enterprise.text
    assert f"/console/reports/{mine.id}" not in by_enterprise.text
    investigating = await regulator.get("/console/reports", params={"status": "investigating"})
    assert f"/console/reports/{theirs.id}" in investigating.text
    assert f"/console/reports/{unlinked.id}" not in investigating.text
    oldest = await regulator.get("/console/reports", params={"sort": "id"})
    assert oldest.text.index(f'/reports/{mine.id}"') < oldest.text.index(f'/reports/{theirs.id}"')

    _smaller_pages(monkeypatch, reports, "REPORT_LIST")
    page = await regulator.get("/console/reports", params={"status": "new"})
    assert f"/console/reports/{unlinked.id}" in page.text
    page = await regulator.get(_next_link(page.text))
    assert f"/console/reports/{mine.id}" in page.text and 'rel="next"' not in page.text

    rows = _csv(await regulator.get("/console/reports", params={"q": "模糊", "format": "csv"}))
    assert rows[0][-1] == "联系方式 contact" and len(rows) == 2
    assert rows[1][3] == COMPANY and rows[1][-1] == CONTACT  # the bureau's copy
    rows = _csv(await regulator.get("/console/reports", params={"q": "HYPERLINK", "format": "csv"}))
    assert rows[1][5] == '\'=HYPERLINK("x")'  # never run as a formula


async def test_a_licensee_reads_its_reports_masked_in_the_list_and_the_csv(
    licensee, world, session
) -> None:
    mine, theirs, _unlinked = await _reports(session, world)
    page = await licensee.get("/console/reports")
    assert f"/console/reports/{mine.id}" in page.text
    assert f"/console/reports/{theirs.id}" not in page.text
    rows = _csv(await licensee.get("/console/reports", params={"format": "csv"}))
    assert "联系方式 contact" not in rows[0] and len(rows) == 2
    for html in (page.text, "\n".join(",".join(row) for row in rows)):
        assert "13900001111" not in html and "王先生" not in html
    assert "[…]" in rows[1][5]  # the masked phone number
    # A search of the unmasked text would reveal the number digit by digit: not searched.
    guessed = await licensee.get("/console/reports", params={"q": "1390000"})
    assert f"/console/reports/{mine.id}" not in guessed.text
    by_code = await licensee.get("/console/reports", params={"q": "abcd-1234"})
    assert f"/console/reports/{mine.id}" in by_code.text


# --- suspicious codes -----------------------------------------------------------------------


async def _flag(session, licence, lot: str, code: str, minutes_ago: int) -> None:  # type: ignore[no-untyped-def]
    batch = await factories.batch(session, licence, lot_number=lot)
    await factories.labels(session, batch, [code])
    at = utcnow() - timedelta(minutes=minutes_ago)
    session.add(
        LabelScanStat(
            code=code,
            scan_count=7,
            first_scanned_at=at,
            last_scanned_at=at,
            suspect_reason="many_sources",
            suspect_evidence={"sources": 7},
            flagged_at=at,
        )
    )
    await session.flush()


async def test_suspicious_codes_are_named_searched_sorted_paged_and_exported(
    regulator, licensee, world, session, monkeypatch
) -> None:
    await _flag(session, world.licence, "WY-2026-031", "CODE0000000000000031", 10)
    await _flag(session, world.other_licence, "BJ-2026-009", "CODE0000000000000009", 5)
    queue = await regulator.get("/console/queues")
    assert 'href="/console/scans/suspicious"' in queue.text
    page = await regulator.get("/console/scans/suspicious")
    assert page.status_code == 200
    for text in ("CODE0000000000000031", "WY-2026-031", COMPANY, "BJ-2026-009", OTHER):
        assert text in page.text
    assert page.text.index("BJ-2026-009") < page.text.index("WY-2026-031")  # newest flag first
    oldest = await regulator.get("/console/scans/suspicious", params={"sort": "flagged_at"})
    assert oldest.text.index("WY-2026-031") < oldest.text.index("BJ-2026-009")
    by_name = await regulator.get("/console/scans/suspicious", params={"q": "丰瑞"})
    assert "WY-2026-031" in by_name.text and "BJ-2026-009" not in by_name.text

    _smaller_pages(monkeypatch, suspicious, "SUSPICIOUS_LIST")
    first = await regulator.get("/console/scans/suspicious")
    assert "BJ-2026-009" in first.text and "WY-2026-031" not in first.text
    second = await regulator.get(_next_link(first.text))
    assert "WY-2026-031" in second.text and "BJ-2026-009" not in second.text

    rows = _csv(await regulator.get("/console/scans/suspicious?q=别家&format=csv"))
    assert rows[1:] == [
        ["CODE0000000000000009", OTHER, "BJ-2026-009", "many_sources", "7", rows[1][5]]
    ]
    assert (await licensee.get("/console/scans/suspicious")).status_code == 403


# --- revocations ----------------------------------------------------------------------------


async def _revoke(session, licence, lot: str, case: str) -> Revocation:  # type: ignore[no-untyped-def]
    batch = await factories.batch(session, licence, lot_number=lot)
    revocation = Revocation(
        scope=RevocationScope.BATCH,
        batch_id=batch.id,
        enterprise_id=licence.enterprise_id,
        label_count=10,
        reason="抽检不合格",
        legal_basis="《地理标志产品保护办法》第二十三条",
        case_number=case,
    )
    session.add(revocation)
    await session.flush()
    return revocation


async def test_revocations_are_searched_and_exported_and_scoped(
    regulator, licensee, world, session
) -> None:
    await _revoke(session, world.licence, "WY-2026-040", "五市监案〔2026〕12号")
    reversed_ = await _revoke(session, world.other_licence, "BJ-2026-044", "CASE-OTHER-7")
    reversed_.reversed_at = utcnow()
    await session.flush()
    by_case = await regulator.get("/console/revocations", params={"q": "〔2026〕12"})
    assert "WY-2026-040" in by_case.text and "BJ-2026-044" not in by_case.text
    by_lot = await regulator.get("/console/revocations", params={"q": "bj-2026"})
    assert "BJ-2026-044" in by_lot.text and "WY-2026-040" not in by_lot.text
    by_name = await regulator.get("/console/revocations", params={"q": "丰瑞"})
    assert "WY-2026-040" in by_name.text and "BJ-2026-044" not in by_name.text
    rows = _csv(await regulator.get("/console/revocations?q=别家&format=csv"))
    assert [(row[2], row[5], row[7]) for row in rows[1:]] == [
        (OTHER, "BJ-2026-044", "CASE-OTHER-7")
    ]
    in_force = await regulator.get("/console/revocations", params={"state": "in_force"})
    assert "WY-2026-040" in in_force.text and "BJ-2026-044" not in in_force.text
    rows = _csv(await regulator.get("/console/revocations?state=reversed&format=csv"))
    assert [row[5] for row in rows[1:]] == ["BJ-2026-044"] and rows[1][10]
    oldest = await regulator.get("/console/revocations", params={"sort": "id"})
    assert oldest.text.index("WY-2026-040") < oldest.text.index("BJ-2026-044")

    own = await licensee.get("/console/revocations")
    assert "WY-2026-040" in own.text and "BJ-2026-044" not in own.text
    assert "BJ-2026-044" not in (await licensee.get("/console/revocations?q=BJ")).text
    rows = _csv(await licensee.get("/console/revocations", params={"format": "csv"}))
    assert [row[5] for row in rows[1:]] == ["WY-2026-040"]


# --- the void confirmation ------------------------------------------------------------------


async def test_the_void_confirmation_says_how_many_were_scanned(
    licensee, world, session, test_settings
) -> None:
    batch, codes = await batch_with_labels(
        session, world.licence, codec_of(test_settings), active=3, scanned=2
    )
    path = f"/console/batches/{batch.id}/void"
    token = await token_of(licensee, path)
    data = {"csrf_token": token, "act": "void", "codes": "\n".join(codes), "reason": "卷标破损"}
    check = await licensee.post(path, data=data)
    assert check.status_code == 200
    assert f"作废批号 {batch.lot_number} 的 3 枚标签，其中 2 枚已被扫码查验" in check.text
    english = await licensee.post(f"{path}?lang=en", data=data)
    assert f"voids 3 labels of lot {batch.lot_number}; 2 of them already scanned" in english.text
