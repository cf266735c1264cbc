"""The licensee's console pages: the dashboard, a batch's page (404 for another enterprise's,
as on the API), and the batch request form (one batch however often it is sent)."""

from __future__ import annotations

from datetime import timedelta

import factories
from console_helpers import csrf_of, log_in
from sqlalchemy import func, select

from app.core.principal import Role
from app.core.time import public_today
from app.label.models import BatchStatus, LabelBatch
from app.report.models import ConsumerReport, ReportStatus


async def _batches(session) -> int:
    return int(await session.scalar(select(func.count()).select_from(LabelBatch)) or 0)


async def test_dashboard_shows_licences_quota_batches_scans_and_reports(
    licensee_browser, world, session
) -> None:
    batch = await factories.batch(session, world.licence, lot_number="WY-2026-001", quantity=40)
    await factories.batch(session, world.other_licence, lot_number="OTHER-LOT")
    session.add(
        ConsumerReport(
            code=None,
            enterprise_id=world.licence.enterprise_id,
            what_was_seen="包装印刷模糊",
            where_bought="超市",
            contact="13800138000",
            status=ReportStatus.NEW,
        )
    )
    await session.flush()
    page = await licensee_browser.get("/console")
    assert page.status_code == 200
    text = page.text
    assert world.licence.number in text and world.other_licence.number not in text
    assert "五原向日葵" in text and "有效" in text
    assert "50,000" in text and "49,960" in text  # 100 mu × 250 kg ÷ 0.5 kg; 40 used
    assert f'href="/console/batches/{batch.id}"' in text and "OTHER-LOT" not in text
    assert "包装印刷模糊" in text and "13800138000" not in text  # never the informant
    assert 'class="skip" href="#main"' in text and 'aria-current="page"' in text


async def test_dashboard_in_english(licensee_browser) -> None:
    page = await licensee_browser.get("/console?lang=en")
    assert '<html lang="en">' in page.text and "Label batches" in page.text


async def test_batch_page_with_its_reconciliation(licensee_browser, world, session) -> None:
    batch = await factories.batch(session, world.licence, lot_number="WY-2026-002")
    await factories.labels(session, batch, [f"CODE{n:016d}" for n in range(3)])
    page = await licensee_browser.get(f"/console/batches/{batch.id}")
    assert page.status_code == 200
    assert "WY-2026-002" in page.text and world.licence.number in page.text
    assert 'data-count="issued">3<' in page.text


async def test_another_enterprises_batch_is_404_as_on_the_api(
    licensee_browser, client, world, session
) -> None:
    theirs = await factories.batch(session, world.other_licence)
    page = await licensee_browser.get(f"/console/batches/{theirs.id}")
    assert page.status_code == 404 and "找不到" in page.text
    headers = await factories.login(client, world.licensee.username)
    assert (await client.get(f"/api/v1/batches/{theirs.id}", headers=headers)).status_code == 404
    missing = await licensee_browser.get("/console/batches/99999999")
    assert missing.status_code == 404


def _request(world, token: str, key: str, **overrides: str) -> dict[str, str]:
    form = {
        "csrf_token": token,
        "idempotency_key": key,
        "licence_id": str(world.licence.id),
        "lot_number": "WY-2026-017",
        "quantity": "200",
        "unit": "袋 0.5 kg",
        "production_date": (public_today() - timedelta(days=3)).isoformat(),
        "origin": "五原县隆兴昌镇",
    }
    return {**form, **overrides}


async def test_requesting_a_batch_twice_with_one_form_makes_one_batch(
    licensee_browser, world, session
) -> None:
    form = await licensee_browser.get("/console/batches/new")
    assert form.status_code == 200 and '<label for="lot_number">' in form.text
    key = form.text.split('name="idempotency_key" value="')[1].split('"')[0]
    data = _request(world, csrf_of(form.text), key)
    first = await licensee_browser.post("/console/batches/new", data=data)
    again = await licensee_browser.post("/console/batches/new", data=data)  # double click
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert await _batches(session) == 1
    batch_page = await licensee_browser.get(first.headers["location"])
    assert "WY-2026-017" in batch_page.text
    made = await session.scalar(select(LabelBatch))
    assert made is not None and made.status is BatchStatus.REQUESTED


async def test_a_forged_csrf_token_makes_no_batch(licensee_browser, world, session) -> None:
    data = _request(world, "forged-token", "key-1")
    response = await licensee_browser.post("/console/batches/new", data=data)
    assert response.status_code == 403
    del data["csrf_token"]
    assert (await licensee_browser.post("/console/batches/new", data=data)).status_code == 403
    assert await _batches(session) == 0


async def test_a_refused_form_keeps_what_was_typed_with_the_error_by_its_field(
    licensee_browser, world, session
) -> None:
    form = await licensee_browser.get("/console/batches/new?lang=en")
    token = csrf_of(form.text)
    data = _request(world, token, "key-2", quantity="999999", lot_number="WY-2026-099")
    response = await licensee_browser.post("/console/batches/new", data=data)
    assert response.status_code == 409
    assert 'value="WY-2026-099"' in response.text and 'value="999999"' in response.text
    assert 'id="quantity-error"' in response.text and "50000 labels remain" in response.text
    bad = _request(world, token, "key-2", lot_number="bad lot!", production_date="")
    refused = await licensee_browser.post("/console/batches/new", data=bad)
    assert refused.status_code == 422 and 'value="bad lot!"' in refused.text
    assert 'id="lot_number-error"' in refused.text and 'id="production_date-error"' in refused.text
    fixed = await licensee_browser.post(
        "/console/batches/new", data=_request(world, token, "key-2")
    )
    assert fixed.status_code == 303 and await _batches(session) == 1


async def test_a_regulator_has_no_batch_request_form(browser, world) -> None:
    assert (await log_in(browser, world.regulator.username)).status_code == 303
    home = await browser.get("/console")
    assert home.status_code == 200 and "/console/batches/new" not in home.text
    assert (await browser.get("/console/batches/new")).status_code == 403


async def test_console_pages_stay_out_of_the_api_document(client) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [p for p in paths if p.startswith("/console")]


async def test_the_stylesheet_is_served_by_the_app(browser) -> None:
    css = await browser.get("/console/static/console.css")
    assert css.status_code == 200 and ":focus-visible" in css.text


async def test_an_inspector_sees_an_overview(browser, session) -> None:
    inspector = await factories.user(session, Role.INSPECTOR)
    await log_in(browser, inspector.username)
    assert (await browser.get("/console")).status_code == 200
