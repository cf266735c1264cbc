"""A licensee's batch on the console: its way to issue, its labels a keyset page at a time
(found by code, sorted by serial, exported as CSV), its reconciliation as CSV; another
enterprise's batch is 404 on every one of these pages, as on the API."""

from __future__ import annotations

import csv
import io

import factories
import pytest
from console_helpers import log_in
from licensee_helpers import issued_batch, other_licensee

from app.console import batch_labels
from app.label.code import format_grouped
from app.label.models import BatchStatus


async def test_a_requested_batch_shows_the_steps_still_ahead(
    licensee_browser, world, session
) -> None:
    batch = await factories.batch(
        session, world.licence, status=BatchStatus.REQUESTED, lot_number="WY-2026-030"
    )
    page = await licensee_browser.get(f"/console/batches/{batch.id}")
    assert page.status_code == 200
    assert page.text.count('class="ahead"') == 2 and "尚未完成" in page.text
    assert "/print-files" not in page.text  # nothing to print before the codes exist


async def test_an_issued_batch_shows_its_steps_and_what_can_be_done(
    licensee_browser, client, world, session
) -> None:
    batch_id, _codes = await issued_batch(session, client, world)
    page = await licensee_browser.get(f"/console/batches/{batch_id}?lang=en")
    assert page.status_code == 200
    assert 'class="ahead"' not in page.text and page.text.count('class="done"') == 3
    assert f'action="/console/batches/{batch_id}/print-files"' in page.text
    assert f'href="/console/batches/{batch_id}/labels"' in page.text
    assert f'href="/console/batches/{batch_id}/void"' in page.text
    assert f'href="/console/batches/{batch_id}/reconciliation.csv"' in page.text


async def test_labels_come_a_keyset_page_at_a_time(
    licensee_browser, client, world, session, monkeypatch
) -> None:
    monkeypatch.setattr(batch_labels, "PAGE_SIZE", 4)
    batch_id, codes = await issued_batch(session, client, world, quantity=6)
    first = await licensee_browser.get(f"/console/batches/{batch_id}/labels")
    assert first.status_code == 200 and "共 6 枚" in first.text
    assert [format_grouped(c) in first.text for c in codes] == [True] * 4 + [False] * 2
    next_url = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "cursor=" in next_url and "offset" not in next_url
    second = await licensee_browser.get(
        f"/console/batches/{batch_id}/labels{next_url.replace('&amp;', '&')}"
    )
    assert [format_grouped(c) in second.text for c in codes] == [False] * 4 + [True] * 2
    assert 'rel="next"' not in second.text and "« 第一页" in second.text
    backwards = await licensee_browser.get(f"/console/batches/{batch_id}/labels?sort=-serial")
    assert backwards.text.index(format_grouped(codes[5])) < backwards.text.index(
        format_grouped(codes[2])
    )
    assert format_grouped(codes[0]) not in backwards.text


async def test_a_label_is_found_by_its_code_as_printed(
    licensee_browser, client, world, session
) -> None:
    batch_id, codes = await issued_batch(session, client, world)
    typed = format_grouped(codes[3]).lower()
    found = await licensee_browser.get(
        f"/console/batches/{batch_id}/labels", params={"code": typed}
    )
    assert "共 1 枚" in found.text and format_grouped(codes[3]) in found.text
    assert format_grouped(codes[2]) not in found.text
    assert f'value="{typed}"' in found.text  # the search box keeps what was typed
    nothing = await licensee_browser.get(
        f"/console/batches/{batch_id}/labels", params={"code": "nope"}
    )
    assert "没有符合条件的标签" in nothing.text


async def test_the_listing_exports_as_csv_with_its_filter(
    licensee_browser, client, world, session, monkeypatch
) -> None:
    monkeypatch.setattr(batch_labels, "EXPORT_PAGE", 4)  # several keyset pages
    batch_id, codes = await issued_batch(session, client, world, quantity=6)
    export = await licensee_browser.get(f"/console/batches/{batch_id}/labels.csv?sort=-serial")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "labels-WY-2026-017-listing.csv" in export.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert [r["code"] for r in rows] == codes[::-1]
    assert {r["status"] for r in rows} == {"active"}
    one = await licensee_browser.get(
        f"/console/batches/{batch_id}/labels.csv", params={"code": codes[1]}
    )
    assert [r["serial"] for r in csv.DictReader(io.StringIO(one.text.lstrip("\ufeff")))] == ["2"]


async def test_the_reconciliation_downloads_as_csv(
    licensee_browser, client, world, session
) -> None:
    batch_id, _codes = await issued_batch(session, client, world, quantity=5)
    found = await licensee_browser.get(f"/console/batches/{batch_id}/reconciliation.csv")
    assert found.status_code == 200
    rows = list(csv.DictReader(io.StringIO(found.text.lstrip("\ufeff"))))
    assert rows == [
        {
            "lot_number": "WY-2026-017",
            "batch_status": "issued",
            "issued": "5",
            "active": "5",
            "voided": "0",
            "voided_replaced": "0",
            "revoked": "0",
            "scanned": "0",
        }
    ]


@pytest.mark.parametrize(
    "page",
    ["", "/labels", "/labels.csv", "/reconciliation.csv", "/void"],
)
async def test_another_enterprises_batch_is_404_on_every_page(
    browser, client, world, session, page
) -> None:
    batch_id, _codes = await issued_batch(session, client, world)
    stranger = await other_licensee(session, world)
    await log_in(browser, stranger.username)
    response = await browser.get(f"/console/batches/{batch_id}{page}")
    assert response.status_code == 404


async def test_staff_read_the_labels_but_are_offered_no_void(
    browser, client, world, session
) -> None:
    batch_id, _codes = await issued_batch(session, client, world)
    await log_in(browser, world.regulator.username)
    listing = await browser.get(f"/console/batches/{batch_id}/labels")
    assert listing.status_code == 200 and "作废或恢复所选标签" not in listing.text
    assert (await browser.get(f"/console/batches/{batch_id}/void")).status_code == 403
