"""Claiming is exclusive: however many workers poll one queue, each job runs exactly once."""

import asyncio
from collections import Counter

from sqlalchemy import select

from app.core.db import Database, create_engine
from app.core.jobs import queue
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.worker import Worker
from app.core.time import utcnow

JOBS = 300


async def test_each_job_runs_exactly_once_with_many_concurrent_workers(
    engine, test_settings, on_sqlite, kind_prefix
) -> None:
    # PostgreSQL: 50 workers, each on its own connection and its own committed transactions.
    # SQLite serialises writers anyway; fewer workers prove the same with less waiting.
    claimers = 8 if on_sqlite else 50
    database = Database(
        create_engine(test_settings.resolved_database_url, pool_size=claimers // 2 + 1)
    )
    kind, runs = f"{kind_prefix}.count", Counter[int]()
    registry = Registry()

    @registry.job(kind)
    async def count(ctx, args):
        runs[args["n"]] += 1
        async with ctx.session() as session:  # some real work in the job's own transaction
            await session.execute(select(Job.id).where(Job.id == ctx.job_id))
        return {"n": args["n"]}

    async with database.sessionmaker() as session, session.begin():
        ids = [(await queue.enqueue(session, kind, {"n": n}, utcnow())).id for n in range(JOBS)]
    start = asyncio.Event()

    async def drain(worker: Worker) -> int:
        await start.wait()
        done = 0
        while await worker.run_once() is not None:
            done += 1
        return done

    try:
        tasks = [asyncio.create_task(drain(Worker(database, registry))) for _ in range(claimers)]
        start.set()
        per_worker = await asyncio.gather(*tasks)
        async with database.sessionmaker() as session:
            jobs = list(await session.scalars(select(Job).where(Job.id.in_(ids))))
    finally:
        await database.dispose()

    assert sum(per_worker) == JOBS
    assert runs == Counter(range(JOBS))  # every job's handler ran, and ran once
    assert {(j.status, j.attempts) for j in jobs} == {(JobStatus.SUCCEEDED, 1)}
    assert sorted(j.result["n"] for j in jobs if j.result) == list(range(JOBS))


async def test_a_worker_claims_only_the_kinds_it_can_run(committed, kind_prefix) -> None:
    registry = Registry()

    @registry.job(f"{kind_prefix}.known")
    async def known(ctx, args):
        return None

    async with committed.sessionmaker() as session, session.begin():
        other = await queue.enqueue(session, f"{kind_prefix}.elsewhere", {}, utcnow())
    assert await Worker(committed, registry).run_once() is None
    async with committed.sessionmaker() as session:
        assert (await session.get(Job, other.id)).status is JobStatus.QUEUED
