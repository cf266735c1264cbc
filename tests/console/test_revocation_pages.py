"""Revocations on the console: by codes (pasted, or a CSV uploaded; a bad line is reported by
its number and nothing is written), by batch (found by lot, not id), each confirmed with the
counts it will change; the list (keyset-paged, CSV) and a revocation's page with its reversal;
the role table's 403/404 and the CSRF check."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import factories
import pytest
from acts_helpers import actions_on, batch_with_labels, codec_of
from console_helpers import csrf_of, log_in
from sqlalchemy import func, select

from app.console import revocations as revocation_pages
from app.label.models import BatchStatus, Label, LabelStatus
from app.revocation.models import Revocation

GROUNDS = {
    "reason": "标签用于非本批次产品",
    "legal_basis": "《地理标志专用标志使用管理办法》第十一条",
    "case_number": "WY-2026-017",
}


@pytest.fixture
async def regulator_browser(browser, world):  # type: ignore[no-untyped-def]
    assert (await log_in(browser, world.regulator.username)).status_code == 303
    return browser


async def _token(client) -> str:  # type: ignore[no-untyped-def]
    page = await client.get("/console/revocations/new")
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


async def _statuses(session, codes: list[str]) -> list[LabelStatus]:  # type: ignore[no-untyped-def]
    found = await session.execute(select(Label.code, Label.status).where(Label.code.in_(codes)))
    by_code = {code: LabelStatus(status) for code, status in found}
    return [by_code[code] for code in codes]


async def _revocations(session) -> int:  # type: ignore[no-untyped-def]
    return int(await session.scalar(select(func.count()).select_from(Revocation)) or 0)


def _upload(text: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("codes.csv", text.encode("utf-8-sig"), "text/csv")}


async def test_a_csv_with_a_bad_line_names_its_line_and_writes_nothing(
    regulator_browser, world, session, test_settings
) -> None:
    _batch, codes = await batch_with_labels(
        session, world.licence, codec_of(test_settings), active=3, scanned=1
    )
    text = f"code,note\n{codes[0]},ok\n\n{codes[1]}X,typo\n{codes[2]},ok\n"
    data = {"csrf_token": await _token(regulator_browser), **GROUNDS}
    refused = await regulator_browser.post(
        "/console/revocations/codes?lang=en", data=data, files=_upload(text)
    )
    assert refused.status_code == 422
    assert 'id="codes-codes-error"' in refused.text
    assert f"4: {codes[1]}X" in refused.text and "nothing was revoked" in refused.text
    assert "WY-2026-017" in refused.text  # the grounds typed are kept
    assert await _statuses(session, codes) == [LabelStatus.ACTIVE] * 3
    assert await _revocations(session) == 0


async def test_an_unknown_code_is_named_by_its_line(
    regulator_browser, world, session, test_settings
) -> None:
    codec = codec_of(test_settings)
    _batch, codes = await batch_with_labels(session, world.licence, codec, active=1, scanned=0)
    never_issued = codec.mint_many(1)[0]
    data = {"csrf_token": await _token(regulator_browser), **GROUNDS}
    data["codes"] = f"{codes[0]}\n{never_issued}\n"
    refused = await regulator_browser.post("/console/revocations/codes", data=data)
    assert refused.status_code == 422 and f"2: {never_issued}" in refused.text
    assert await _revocations(session) == 0


async def test_revoke_codes_from_a_csv_after_confirming(
    regulator_browser, world, session, test_settings
) -> None:
    batch, codes = await batch_with_labels(
        session, world.licence, codec_of(test_settings), active=3, scanned=2, void=1
    )
    wanted = [codes[0], codes[1], codes[3]]  # two live (one scanned... both), one void
    text = "code\n" + "\n".join(wanted) + "\n"
    data = {"csrf_token": await _token(regulator_browser), **GROUNDS}
    confirm = await regulator_browser.post(
        "/console/revocations/codes", data=data, files=_upload(text)
    )
    assert confirm.status_code == 200, confirm.text
    assert (
        f"吊销 五原县丰瑞农业开发有限公司 批次 {batch.lot_number} 的 2 枚标签；"
        "其中 2 枚已被查验。" in confirm.text
    )
    assert "另有 1 枚已作废或已吊销" in confirm.text
    assert await _revocations(session) == 0  # nothing before confirming

    carried = dict(data, codes="\n".join(wanted), step="confirmed")
    done = await regulator_browser.post("/console/revocations/codes", data=carried)
    assert done.status_code == 303
    revocation = await session.scalar(select(Revocation))
    assert revocation is not None and revocation.label_count == 2
    assert done.headers["location"] == f"/console/revocations/{revocation.id}"
    assert await _statuses(session, codes) == [
        LabelStatus.REVOKED,
        LabelStatus.REVOKED,
        LabelStatus.ACTIVE,
        LabelStatus.VOID,
    ]
    page = await regulator_browser.get(done.headers["location"])
    assert "WY-2026-017" in page.text and batch.lot_number in page.text
    assert "/reverse" in page.text


async def test_revoke_a_batch_found_by_its_lot_then_reverse_it(
    regulator_browser, world, session, test_settings
) -> None:
    batch, _codes = await batch_with_labels(
        session, world.licence, codec_of(test_settings), active=4, scanned=1
    )
    batch.lot_number = "WY-2026-017"
    await session.flush()
    search = await regulator_browser.get("/console/revocations/new", params={"q": "2026-017"})
    assert f'name="batch_id" value="{batch.id}"' in search.text
    assert "五原县丰瑞农业开发有限公司" in search.text
    token = csrf_of(search.text)

    unchosen = {"csrf_token": token, "q": "2026-017", **GROUNDS}
    refused = await regulator_browser.post("/console/revocations/batch", data=unchosen)
    assert refused.status_code == 422 and 'id="batch-batch_id-error"' in refused.text
    assert "标签用于非本批次产品" in refused.text

    chosen = {**unchosen, "batch_id": str(batch.id)}
    confirm = await regulator_browser.post("/console/revocations/batch?lang=en", data=chosen)
    assert confirm.status_code == 200
    assert (
        "revokes 4 labels of lot WY-2026-017 (五原县丰瑞农业开发有限公司);"
        " 1 of them already scanned" in confirm.text
    )
    await session.refresh(batch)
    assert batch.status is BatchStatus.ISSUED

    done = await regulator_browser.post(
        "/console/revocations/batch", data={**chosen, "step": "confirmed"}
    )
    assert done.status_code == 303
    await session.refresh(batch)
    assert batch.status is BatchStatus.REVOKED
    here = done.headers["location"]

    confirm = await regulator_browser.post(
        f"{here}/reverse", data={"csrf_token": token, "reason": "案件撤销"}
    )
    assert confirm.status_code == 200 and "restores the 4 labels it revoked" in confirm.text
    reversed_ = await regulator_browser.post(
        f"{here}/reverse", data={"csrf_token": token, "reason": "案件撤销", "step": "confirmed"}
    )
    assert reversed_.status_code == 303
    await session.refresh(batch)
    assert batch.status is BatchStatus.ISSUED
    revocation_id = int(here.rsplit("/", 1)[1])
    assert "revocation.reverse" in await actions_on(session, "revocation", revocation_id)
    page = await regulator_browser.get(here)
    assert "Reversed" in page.text and "/reverse" not in page.text


async def test_the_list_pages_by_keyset_and_exports_csv(
    regulator_browser, world, session, test_settings, monkeypatch
) -> None:
    codec = codec_of(test_settings)
    token = await _token(regulator_browser)
    for n in range(3):
        _batch, codes = await batch_with_labels(session, world.licence, codec, active=1, scanned=0)
        data = {"csrf_token": token, **GROUNDS, "case_number": f"CASE-{n}", "codes": codes[0]}
        done = await regulator_browser.post(
            "/console/revocations/codes", data={**data, "step": "confirmed"}
        )
        assert done.status_code == 303
    monkeypatch.setattr(
        revocation_pages,
        "REVOCATION_LIST",
        replace(revocation_pages.REVOCATION_LIST, page_size=2),
    )
    first = await regulator_browser.get("/console/revocations")
    assert "CASE-2" in first.text and "CASE-1" in first.text and "CASE-0" not in first.text
    assert "五原县丰瑞农业开发有限公司" in first.text
    next_link = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = await regulator_browser.get(next_link.replace("&amp;", "&"))
    assert "CASE-0" in second.text and "CASE-2" not in second.text
    assert 'rel="next"' not in second.text

    exported = await regulator_browser.get("/console/revocations", params={"format": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert [row["case_number"] for row in rows] == ["CASE-2", "CASE-1", "CASE-0"]
    assert {row["enterprise"] for row in rows} == {"五原县丰瑞农业开发有限公司"}


async def test_a_licensee_gets_the_role_tables_answers(
    browser, world, session, test_settings
) -> None:
    codec = codec_of(test_settings)
    _own, own_codes = await batch_with_labels(session, world.licence, codec, active=1, scanned=0)
    _other, other_codes = await batch_with_labels(
        session, world.other_licence, codec, active=1, scanned=0
    )
    regulator = await factories.user(session, role=world.regulator.role)
    assert (await log_in(browser, regulator.username)).status_code == 303
    token = await _token(browser)
    ids = []
    for codes in (own_codes, other_codes):
        data = {"csrf_token": token, **GROUNDS, "codes": codes[0], "step": "confirmed"}
        done = await browser.post("/console/revocations/codes", data=data)
        ids.append(int(done.headers["location"].rsplit("/", 1)[1]))
    await browser.post("/console/logout", data={"csrf_token": token})

    assert (await log_in(browser, world.licensee.username)).status_code == 303
    assert (await browser.get("/console/revocations/new")).status_code == 403
    listed = await browser.get("/console/revocations")
    assert listed.status_code == 200 and f"/console/revocations/{ids[0]}" in listed.text
    assert f"/console/revocations/{ids[1]}" not in listed.text
    assert (await browser.get(f"/console/revocations/{ids[1]}")).status_code == 404
    own = await browser.get(f"/console/revocations/{ids[0]}")
    assert own.status_code == 200 and "/reverse" not in own.text
    token = csrf_of(own.text)
    for url, data in (
        ("/console/revocations/codes", {"codes": own_codes[0], **GROUNDS}),
        (f"/console/revocations/{ids[0]}/reverse", {"reason": "我方申诉"}),
    ):
        refused = await browser.post(url, data={**data, "csrf_token": token, "step": "confirmed"})
        assert refused.status_code == 403, url


async def test_a_forged_csrf_token_is_refused(
    regulator_browser, world, session, test_settings
) -> None:
    _batch, codes = await batch_with_labels(
        session, world.licence, codec_of(test_settings), active=1, scanned=0
    )
    data = {**GROUNDS, "codes": codes[0], "step": "confirmed"}
    forged = await regulator_browser.post(
        "/console/revocations/codes", data={**data, "csrf_token": "forged"}
    )
    missing = await regulator_browser.post("/console/revocations/codes", data=data)
    assert forged.status_code == 403 and missing.status_code == 403
    assert await _statuses(session, codes) == [LabelStatus.ACTIVE]
