"""Periodic jobs run once per local day (Asia/Shanghai by default), however many schedulers."""

import asyncio
import secrets
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core.db import Database, create_engine
from app.core.jobs import schedule
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import REGISTRY, Registry
from app.core.jobs.schedule import Periodic, local_day
from app.core.jobs.worker import Worker
from app.jobs import periodic

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_moment_after_16_00_utc_belongs_to_the_next_local_day() -> None:
    assert local_day(datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC), SHANGHAI) == date(2026, 11, 30)
    assert local_day(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), SHANGHAI) == date(2026, 12, 1)


def test_the_zone_defaults_to_shanghai_and_follows_gimark_time_zone(monkeypatch) -> None:
    monkeypatch.delenv("GIMARK_TIME_ZONE", raising=False)
    assert schedule.deployment_zone() == SHANGHAI
    monkeypatch.setenv("GIMARK_TIME_ZONE", "Europe/Berlin")
    assert schedule.deployment_zone() == ZoneInfo("Europe/Berlin")


async def test_a_tick_at_16_30_utc_enqueues_the_next_local_days_job(session) -> None:
    kind = f"test{secrets.token_hex(4)}.daily"  # rolled back with the test
    now = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    [job_id] = await schedule.tick(session, [Periodic(kind, at=time(2, 0))], now, SHANGHAI)
    job = await session.get(Job, job_id)
    assert job is not None and job.period_key == "2026-12-01"
    assert job.run_after == datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # 02:00 in Shanghai
    assert job.created_by is None  # the scheduler, not a person


def test_the_daily_jobs_are_registered() -> None:
    kinds = {p.kind for p in periodic.PERIODIC}
    assert kinds == {
        "scans.rollup",
        "scans.purge_salts",
        "audit.checkpoint",
        "print_files.purge",
        "inspection.close_windows",
    }
    assert all(kind in REGISTRY for kind in kinds)


async def test_racing_schedulers_run_each_periodic_job_once_per_local_day(
    engine, test_settings, kind_prefix
) -> None:
    runs, registry = Counter[tuple[str, str]](), Registry()
    periodics = [Periodic(f"{kind_prefix}.{name}", at=time(0, 0)) for name in ("a", "b")]
    for p in periodics:

        @registry.job(p.kind)
        async def count(ctx, args, kind=p.kind):
            runs[(kind, args["period"])] += 1
            return None

    # Two instances, each with its own engine (connection pool), scheduler and worker.
    databases = [Database(create_engine(test_settings.resolved_database_url)) for _ in range(2)]
    day_one = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 December in Shanghai

    async def instance(database: Database, now: datetime) -> None:
        worker = Worker(database, registry, periodics=periodics, zone=SHANGHAI, clock=lambda: now)
        await worker.tick()
        while await worker.run_once() is not None:
            pass

    async def race(now: datetime) -> None:
        await asyncio.gather(*(instance(db, now) for db in databases))

    try:
        await race(day_one)
        await race(day_one + timedelta(hours=15))  # 15:30 the same local day: nothing new
        await race(day_one + timedelta(hours=24))  # the next local day
        async with databases[0].sessionmaker() as session:
            jobs = list(await session.scalars(select(Job).where(Job.kind.like(f"{kind_prefix}.%"))))
    finally:
        for db in databases:
            await db.dispose()

    expected = {(p.kind, day) for p in periodics for day in ("2026-12-01", "2026-12-02")}
    assert runs == Counter(expected)
    assert {(j.kind, j.period_key) for j in jobs} == expected and len(jobs) == 4
    assert all(j.status is JobStatus.SUCCEEDED for j in jobs)
