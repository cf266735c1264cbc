"""The scan buffer in an outage: a batch that could not be written waits for the database to
come back, the buffer never holds more than its bound, and what it pushes out is counted."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from test_outage_answers import _refusing_url

from app.core.db import Database, create_engine
from app.core.time import utcnow
from app.verification.models import Scan
from app.verification.scanlog import ScanLog, ScanRecord


def _scan(source: str) -> ScanRecord:
    return ScanRecord(
        code="Z" * 20,
        scanned_at=utcnow(),
        verdict="unknown",  # not in circulation: no totals or clone rules, just the row
        network_prefix="203.0.113.0/24",
        source_hash=source,
        ua_family="chrome",
        os_family="android",
        latitude=None,
        longitude=None,
    )


async def test_an_outage_keeps_the_newest_scans_up_to_the_bound(engine) -> None:
    down = Database(create_engine(_refusing_url()))
    log = ScanLog(down, batched=True, interval=60, max_buffered=3)
    run = secrets.token_hex(4)
    for n in range(4):
        await log.record(None, _scan(f"{run}-{n}"))
    assert (log.depth, log.dropped) == (3, 1)

    assert await log.flush() == 0  # refused: the batch goes back to the buffer
    await log.record(None, _scan(f"{run}-4"))
    assert (log.depth, log.dropped) == (3, 2)

    log.database = Database(engine)  # the database is back
    assert await log.flush() == 3 and log.depth == 0
    await down.dispose()
    async with Database(engine).sessionmaker() as reader:
        stored = set(
            await reader.scalars(select(Scan.source_hash).where(Scan.source_hash.like(f"{run}-%")))
        )
    assert stored == {f"{run}-2", f"{run}-3", f"{run}-4"}
