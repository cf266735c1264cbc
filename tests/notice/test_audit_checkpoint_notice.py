"""The audit chain head is published once per local (Asia/Shanghai) day in the public notices,
so anyone can hold a checkpoint."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core.db import Database
from app.core.notices import NoticeKind, PublicNotice
from app.core.principal import SYSTEM
from app.jobs import periodic
from app.notice import checkpoints

KIND = NoticeKind.AUDIT_CHECKPOINT


async def _event(session) -> tuple[int, str]:
    event = await audit.record(session, SYSTEM, "test.step", "thing", 1)
    await audit.append_pending(session)  # events are appended at commit; we need seq and hash now
    return event.seq, event.hash


@pytest.mark.dbless
def test_the_day_is_the_day_in_shanghai() -> None:
    late_utc = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 December in Wuyuan
    assert checkpoints.local_day(late_utc).isoformat() == "2026-12-01"
    assert checkpoints.day_key(checkpoints.local_day(late_utc)) == 20261201


async def test_published_once_a_day_and_shown_in_html_and_json(session, client) -> None:
    seq, head_hash = await _event(session)
    morning = datetime(2030, 3, 4, 1, 0, tzinfo=UTC)
    notice = await checkpoints.publish_checkpoint(session, morning)
    assert notice is not None and notice.subject_id == 20300304
    taken = {"taken_at": morning.isoformat(), "day": "2030-03-04"}
    assert notice.detail == {"seq": seq, "hash": head_hash} | taken
    await _event(session)
    assert await checkpoints.publish_checkpoint(session, morning + timedelta(hours=14)) is None
    assert await checkpoints.publish_checkpoint(session, morning + timedelta(hours=16))  # 5 March

    listed = (
        await client.get("/api/v1/public/notices", params={"kind": "audit_checkpoint"})
    ).json()
    assert [n["detail"]["day"] for n in listed["items"]] == ["2030-03-05", "2030-03-04"]
    assert listed["items"][1]["detail"]["hash"] == head_hash
    await audit.append_pending(session)
    published = await session.scalar(
        select(func.count()).where(AuditEvent.action == "audit.checkpoint_publish")
    )
    assert published == 2
    zh = await client.get("/public/notices", params={"kind": "audit_checkpoint"})
    assert "审计链检查点" in zh.text and f"{seq}:{head_hash}" in zh.text
    assert "2030-03-04 09:00 (UTC+8)" in zh.text  # taken at 01:00 UTC
    en = await client.get("/public/notices", params={"kind": "audit_checkpoint", "lang": "en"})
    assert "Audit ledger checkpoint" in en.text and "--checkpoint" in en.text


class _JobContext:
    """What the handler uses of a job's context: a session in its own transaction (here the
    test's, so it rolls back with the test)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.database.sessionmaker() as session, session.begin():
            yield session


async def test_the_daily_job_publishes_once(session, database) -> None:
    seq, head_hash = await _event(session)
    await session.commit()
    context = _JobContext(database)
    first = await periodic.audit_checkpoint(context, {})  # type: ignore[arg-type]
    assert first["published"]["seq"] == seq and first["published"]["hash"] == head_hash
    assert await periodic.audit_checkpoint(context, {}) == {"published": None}  # type: ignore[arg-type]
    found = await session.scalar(select(PublicNotice).where(PublicNotice.kind == KIND))
    assert found is not None and found.subject_id == checkpoints.day_key(
        checkpoints.local_day(datetime.now(UTC))
    )


async def test_concurrent_workers_publish_once(engine, on_sqlite) -> None:
    """Fifty workers at once, each in its own committed transaction, for three days running:
    one notice a day, and every other worker simply finds it published."""
    if on_sqlite:
        pytest.skip("a race between real concurrent transactions: PostgreSQL")
    database = Database(engine)
    days = [datetime(2031, 1, day, 0, 5, tzinfo=UTC) for day in (1, 2, 3)]
    async with database.sessionmaker() as session, session.begin():
        await _event(session)

    async def worker(now: datetime) -> bool:
        async with database.sessionmaker() as session, session.begin():
            return await checkpoints.publish_checkpoint(session, now) is not None

    try:
        for now in days:
            outcomes = await asyncio.gather(*(worker(now) for _ in range(50)))
            assert sorted(outcomes) == [False] * 49 + [True]
        async with database.sessionmaker() as session:
            keys = await session.scalars(
                select(PublicNotice.subject_id).where(PublicNotice.kind == KIND)
            )
            assert sorted(keys) == [20310101, 20310102, 20310103]
    finally:  # committed for real: leave the shared database as other tests expect it
        async with database.sessionmaker() as session, session.begin():
            await session.execute(delete(PublicNotice).where(PublicNotice.kind == KIND))
