"""The refresh runs as a job every three minutes (one per slot, however many schedulers tick),
the worker's schedule carries it once wired, and the job folds new rows into the roll-up."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core.jobs import queue, schedule
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import REGISTRY, Registry
from app.core.jobs.schedule import Periodic
from app.core.jobs.worker import Worker
from app.core.time import utcnow
from app.jobs import runtime
from app.statistics import jobs as statistics_jobs
from app.statistics.charts import Series, bar_chart, nice_ceiling
from app.statistics.models import StatDaily
from app.wiring import wire

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_a_slot_periodic_job_is_enqueued_once_per_slot(session) -> None:
    periodic = Periodic(f"test{secrets.token_hex(4)}.slots", every=timedelta(minutes=3))
    now = datetime(2026, 11, 30, 16, 31, 10, tzinfo=UTC)  # 00:31:10 on 1 Dec in Shanghai
    [first] = await schedule.tick(session, [periodic], now, SHANGHAI)
    assert await schedule.tick(session, [periodic], now + timedelta(minutes=1), SHANGHAI) == []
    [second] = await schedule.tick(session, [periodic], now + timedelta(minutes=2), SHANGHAI)
    jobs = {j.id: j for j in await session.scalars(select(Job).where(Job.id.in_([first, second])))}
    assert jobs[first].period_key == "2026-12-01T0030"
    assert jobs[first].run_after == datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    assert jobs[second].period_key == "2026-12-01T0033"


def test_the_worker_schedules_the_refresh_once_wired() -> None:
    wire()
    wire()  # twice, as the app and the command line may both do: still one entry
    kinds = [p.kind for p in runtime.periodics()]
    assert kinds.count(statistics_jobs.REFRESH) == 1
    assert statistics_jobs.REFRESH in REGISTRY
    assert statistics_jobs.PERIODIC.every == timedelta(minutes=3)


def test_chart_axes_end_on_whole_steps_and_text_is_escaped() -> None:
    assert [nice_ceiling(v) for v in (0, 3, 5, 99, 101)] == [4, 4, 8, 100, 200]
    svg = bar_chart("c", "<b>标题</b>", ["a&b"], [Series("s<1>", [3])])
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "a&amp;b" in svg
    assert svg.count('class="bar"') == 1 and 'role="img"' in svg


async def test_the_job_folds_new_rows_in_and_forgets_old_successes(session, database) -> None:
    import factories

    product = await factories.product(session)
    company = await factories.enterprise(session)
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(session, licence, issued_at=utcnow() - timedelta(days=3))
    await factories.labels(session, batch, ["JOBTEST000001", "JOBTEST000002"])
    old = await queue.enqueue(session, statistics_jobs.REFRESH, {}, utcnow())
    old.status, old.finished_at = JobStatus.SUCCEEDED, utcnow() - timedelta(days=3)
    await session.commit()

    only = Registry()
    only.register(statistics_jobs.REFRESH, statistics_jobs.refresh_statistics)
    job = await queue.enqueue(session, statistics_jobs.REFRESH, {}, utcnow())
    await session.commit()
    assert await Worker(database, only).run_once() == (job.id, JobStatus.SUCCEEDED)
    issued = await session.scalar(
        select(StatDaily.count).where(
            StatDaily.product_id == product.id, StatDaily.measure == "label.issued"
        )
    )
    assert issued == 2
    assert await session.get(Job, old.id, populate_existing=True) is None
