"""Inspection notices print limits as a person reads them, with the unit and at the item's
precision, and mark the failing row visibly and for screen readers, in Chinese and English."""

import re

import pytest
from inspection_fixtures import inspection_body, window_closes
from sqlalchemy import select

from app.core.notices import NoticeKind, PublicNotice, Subject, publish


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)


def _row_of(html: str, name: str) -> str:
    return next(row for row in _rows(html) if name in row)


@pytest.mark.parametrize(
    ("lang", "moisture", "purity", "failed_word", "screen_reader"),
    [
        ("zh", "水分", "纯度", "不合格", "不合格项目："),
        ("en", "Moisture", "Purity", "fail", "Failed item:"),
    ],
)
async def test_limits_and_the_failing_row(
    client, gi, lang, moisture, purity, failed_word, screen_reader
) -> None:
    body = inspection_body(gi["batch"].id, "LIM-1", moisture="10.2", purity="97.0")
    recorded = await client.post("/api/v1/inspections", json=body, headers=gi["as_regulator"])
    assert recorded.json()["result"] == "fail"
    await window_closes(gi)  # published once final
    page = (await client.get("/public/notices", params={"kind": "inspection", "lang": lang})).text
    assert "— –" not in page and "9.0000" not in page

    failed = _row_of(page, moisture)
    assert 'class="failed"' in failed  # marked visibly (styled, ✗) …
    assert "✗" in failed and screen_reader in failed  # … and for screen readers
    assert "≤ 9.0 %" in failed and "10.2 %" in failed and failed_word in failed

    passed = _row_of(page, purity)
    assert 'class="failed"' not in passed and screen_reader not in passed
    assert "95.0–100.0 %" in passed and "97.0 %" in passed


async def test_notices_published_before_items_carried_their_texts(session, client) -> None:
    """A notice stored with bare numbers (as older notices are) still reads properly."""
    item = {
        "item": "ash",
        "name_zh": "灰分",
        "name_en": "Ash",
        "unit": "g/100g",
        "value": "3.1000",
        "min_value": "2.5000",
        "max_value": None,
        "passed": True,
    }
    about = Subject(result="pass", report_number="OLD-9", detail={"items": [item]})
    await publish(session, NoticeKind.INSPECTION, 424242, about)
    page = (await client.get("/public/notices", params={"q": "old-9"})).text
    assert "≥ 2.5 g/100g" in _row_of(page, "灰分") and "3.1 g/100g" in page
    assert await session.scalar(select(PublicNotice.id).where(PublicNotice.subject_id == 424242))
