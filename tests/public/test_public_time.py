"""Public dates are calendar days in GIMARK_TIME_ZONE (Asia/Shanghai), not UTC days: the clock
is frozen just after 16:00 UTC, which is already the next day in Wuyuan."""

from __future__ import annotations

from datetime import UTC, date, datetime

import factories
import pytest

from app.core import time as public_time
from app.licence.models import LicenceStatus
from app.verification import cache as verification_cache
from app.verification import service as verification_service

JUST_AFTER_16_UTC = datetime(2030, 6, 1, 16, 0, 5, tzinfo=UTC)  # 2030-06-02 00:00:05 in Beijing


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    for module in (public_time, verification_service, verification_cache):
        monkeypatch.setattr(module, "utcnow", lambda: JUST_AFTER_16_UTC)
    return JUST_AFTER_16_UTC


async def test_a_check_after_16_utc_is_dated_the_local_day(client, label_world, frozen_clock):
    code = label_world["code"]
    assert (await client.get(f"/v/{code}")).status_code == 200  # the first check, recorded
    once = await client.get(f"/v/{code}", params={"lang": "en"})
    assert "checked once before, first on 2030-06-02" in once.text and "1 times" not in once.text
    twice = await client.get(f"/v/{code}", params={"lang": "en"})
    assert "checked twice before, first on 2030-06-02" in twice.text
    zh = await client.get(f"/v/{code}")
    assert "此码此前已被查验 3 次，首次查验于 2030-06-02" in zh.text
    api = (await client.get(f"/api/v1/verify/{code}")).json()
    assert api["history"]["first_checked_at"].startswith("2030-06-02T00:00:05")
    assert api["history"]["first_checked_at"].endswith("+08:00")


async def test_checked_n_times_reads_well(client, label_world) -> None:
    code = label_world["code"]
    for _ in range(3):
        await client.get(f"/v/{code}")
    en = await client.get(f"/v/{code}", params={"lang": "en"})
    assert "checked 3 times before" in en.text
    await client.get(f"/v/{code}")
    en = await client.get(f"/v/{code}", params={"lang": "en"})
    assert "checked 5 times before" in en.text


async def test_english_page_has_no_chinese_labels(client, label_world) -> None:
    en = await client.get(f"/v/{label_world['code']}", params={"lang": "en"})
    assert "Reg. No." in en.text and "注册号" not in en.text
    zh = await client.get(f"/v/{label_world['code']}")
    assert "注册号" in zh.text and "Reg. No." not in zh.text


async def test_register_dates_and_statuses_are_local_and_human(
    session, client, frozen_clock
) -> None:
    product = await factories.product(session, name_zh="乌海葡萄", name_en="Wuhai Grapes")
    gone = await factories.enterprise(session, name="已退出企业")
    await factories.licence(
        session, gone.id, product.id, status=LicenceStatus.WITHDRAWN, withdrawn_at=frozen_clock
    )
    lapsed = await factories.enterprise(session, name="到期企业")
    # Valid until 1 June: in Wuyuan it is already 2 June, so the licence has expired.
    await factories.licence(session, lapsed.id, product.id, valid_until=date(2030, 6, 1))
    current = await factories.enterprise(session, name="有效企业")
    await factories.licence(session, current.id, product.id, valid_until=date(2030, 6, 2))

    page = (await client.get("/api/v1/public/register", params={"q": product.code})).json()
    entries = {e["enterprise_name"]: e for e in page["items"]}
    assert entries["已退出企业"]["withdrawn_on"] == "2030-06-02"
    assert entries["到期企业"]["status"] == "expired" and entries["有效企业"]["status"] == "active"

    zh = await client.get("/public/register", params={"q": product.code})
    assert "已撤销使用资格 (2030-06-02)" in zh.text and "已过期" in zh.text and "有效" in zh.text
    en = await client.get("/public/register", params={"q": product.code, "lang": "en"})
    assert "Licence withdrawn (2030-06-02)" in en.text and "Expired" in en.text
    assert "In force" in en.text and ">active<" not in en.text


@pytest.mark.dbless
def test_time_zone_is_one_checked_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from app.core.config import Settings

    assert Settings().time_zone == "Asia/Shanghai"
    monkeypatch.setenv("GIMARK_TIME_ZONE", "Asia/Urumqi")
    assert Settings().time_zone == "Asia/Urumqi"
    monkeypatch.setenv("GIMARK_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings()
