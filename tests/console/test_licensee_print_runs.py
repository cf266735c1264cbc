"""Print runs from the batch page (issue 13, point 4): the licensee records who printed the
labels, when and how many (spoiled, destroyed with why); the run is listed on the page;
errors stand by their fields with everything typed kept; another enterprise's batch is 404."""

from __future__ import annotations

import factories
from licensee_helpers import issued_batch, token_of
from sqlalchemy import func, select

from app.core.time import public_today
from app.supervision.models import PrintRun


def _run(token: str, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "printer_name": "巴彦淖尔市彩印厂",
        "printer_uscc": factories.make_uscc(770001),
        "printed_on": public_today().isoformat(),
        "quantity": "6",
        "spoiled": "1",
        "destroyed": "0",
        "destroyed_reason": "",
    } | changes


async def test_a_print_run_is_recorded_and_listed(licensee_browser, client, world, session) -> None:
    batch_id, _codes = await issued_batch(session, client, world)
    page_path = f"/console/batches/{batch_id}"
    token = await token_of(licensee_browser, page_path)
    page = await licensee_browser.get(page_path)
    assert "登记一次印制" in page.text and '<label for="run-printer_uscc">' in page.text

    done = await licensee_browser.post(f"{page_path}/print-runs", data=_run(token))
    assert done.status_code == 303
    listed = await licensee_browser.get(done.headers["location"])
    assert "已登记印制 6 枚" in listed.text and "<td>巴彦淖尔市彩印厂</td>" in listed.text
    run = await session.scalar(select(PrintRun).where(PrintRun.batch_id == batch_id))
    assert (run.quantity, run.spoiled, run.enterprise_id) == (6, 1, world.licence.enterprise_id)


async def test_errors_stand_by_their_fields_with_everything_kept(
    licensee_browser, client, world, session
) -> None:
    batch_id, _codes = await issued_batch(session, client, world)
    path = f"/console/batches/{batch_id}/print-runs"
    token = await token_of(licensee_browser, f"/console/batches/{batch_id}")
    bad = _run(token, printer_uscc="91150821MA0000000X", destroyed="2", quantity="")
    refused = await licensee_browser.post(path, data=bad)
    assert refused.status_code == 422
    for name in ("printer_uscc", "quantity"):
        assert f'id="{name}-error"' in refused.text, name
    assert (
        'value="91150821MA0000000X"' in refused.text and 'value="巴彦淖尔市彩印厂"' in refused.text
    )

    no_reason = _run(token, destroyed="2")
    refused = await licensee_browser.post(path, data=no_reason)
    assert refused.status_code == 422 and 'id="destroyed_reason-error"' in refused.text
    too_many = _run(token, spoiled="5", destroyed="2", destroyed_reason="污损")
    refused = await licensee_browser.post(path, data=too_many)
    assert refused.status_code == 422 and "废品与销毁之和不能超过印制数量" in refused.text
    count = await session.scalar(select(func.count()).select_from(PrintRun))
    assert count == 0


async def test_another_enterprises_batch_is_not_found(
    licensee_browser, client, world, session
) -> None:
    theirs = await factories.batch(session, world.other_licence)
    token = await token_of(licensee_browser, "/console/batches/new")
    answer = await licensee_browser.post(
        f"/console/batches/{theirs.id}/print-runs", data=_run(token)
    )
    assert answer.status_code == 404
