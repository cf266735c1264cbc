"""The roll-up's days are calendar days in GIMARK_TIME_ZONE (Asia/Shanghai), on both databases:
a scan at 16:30 UTC happened the next day in Wuyuan."""

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select

from app.verification import scanlog
from app.verification.models import ScanDaily
from app.verification.rollup import roll_up

SCAN = scanlog.ScanRecord(
    code="",
    scanned_at=datetime(2026, 5, 1, tzinfo=UTC),
    verdict="genuine",
    network_prefix="203.0.113.0/24",
    source_hash="",
    ua_family="chrome",
    os_family="android",
    latitude=None,
    longitude=None,
)


def at(code: str, source: str, hour: int, minute: int) -> scanlog.ScanRecord:
    return replace(
        SCAN,
        code=code,
        source_hash=source,
        scanned_at=datetime(2026, 5, 1, hour, minute, tzinfo=UTC),
    )


async def test_a_scan_at_16_30_utc_counts_for_the_next_local_day(session, label_world) -> None:
    code = label_world["code"]
    scans = [
        at(code, "a", 15, 30),  # 23:30 on 1 May in Wuyuan
        at(code, "a", 16, 30),  # 00:30 on 2 May
        at(code, "b", 17, 0),
    ]
    await scanlog.write_scans(session, scans)
    assert await roll_up(session, datetime(2026, 12, 1, tzinfo=UTC)) == 3
    rows = await session.scalars(select(ScanDaily).where(ScanDaily.code == code))
    days = {row.day: (row.scans, row.distinct_sources) for row in rows}
    assert days == {date(2026, 5, 1): (1, 1), date(2026, 5, 2): (2, 2)}
