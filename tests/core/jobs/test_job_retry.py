"""A job survives its worker: a killed worker's job is run again once its lease expires; a job
that keeps failing ends ``failed`` with its error after its last attempt, with backoff between."""

import asyncio
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

import app
from app.core.jobs import queue
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.runner import BACKOFF_BASE
from app.core.jobs.worker import Worker

PROJECT_ROOT = Path(app.__file__).resolve().parents[1]

DOOMED_WORKER = textwrap.dedent(
    """
    import asyncio, sys
    from app.core.db import Database, create_engine
    from app.core.jobs.registry import Registry
    from app.core.jobs.worker import Worker

    async def main(url, kind):
        registry = Registry()

        @registry.job(kind)
        async def hang(ctx, args):
            await ctx.progress(1, 2, "half way")
            await asyncio.Event().wait()  # until the test kills this process

        await Worker(Database(create_engine(url)), registry, name="doomed").run_once()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def _job(committed, job_id: int) -> Job:
    async with committed.sessionmaker() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job


async def _wait_until_running(committed, job_id: int, process) -> Job:
    for _ in range(600):  # a bound, not a timing: fail rather than hang
        job = await _job(committed, job_id)
        if job.status is JobStatus.RUNNING and job.progress_done == 1:
            return job
        assert process.returncode is None, "the worker process exited on its own"
        await asyncio.sleep(0.1)
    pytest.fail("the worker process never started the job")


async def test_a_job_whose_worker_was_killed_runs_again_after_its_lease(
    committed, test_settings, kind_prefix, clock
) -> None:
    kind = f"{kind_prefix}.survivor"
    async with committed.sessionmaker() as session, session.begin():
        job_id = (await queue.enqueue(session, kind, {}, clock())).id
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        DOOMED_WORKER,
        test_settings.resolved_database_url,
        kind,
        cwd=PROJECT_ROOT,  # so the child imports this checkout's app
    )
    try:
        running = await _wait_until_running(committed, job_id, process)
    finally:
        process.kill()  # SIGKILL: no cleanup, no release, the lease just stays
        await process.wait()
    assert running.locked_by == "doomed" and running.attempts == 1

    registry = Registry()

    @registry.job(kind)
    async def finish(ctx, args):
        return {"finished_by_attempt": ctx.attempt}

    # While the dead worker's lease lasts nobody may take the job over; afterwards anyone does.
    assert await Worker(committed, registry, clock=clock).run_once() is None
    clock.now = running.locked_until + timedelta(seconds=1)
    assert await Worker(committed, registry, clock=clock).run_once() == (
        job_id,
        JobStatus.SUCCEEDED,
    )
    job = await _job(committed, job_id)
    assert (job.status, job.attempts, job.result) == (
        JobStatus.SUCCEEDED,
        2,
        {"finished_by_attempt": 2},
    )


async def test_a_failing_job_backs_off_then_fails_with_its_error(
    committed, kind_prefix, clock
) -> None:
    kind, registry = f"{kind_prefix}.broken", Registry()

    @registry.job(kind)
    async def broken(ctx, args):
        raise RuntimeError(f"supplier file missing (attempt {ctx.attempt})")

    async with committed.sessionmaker() as session, session.begin():
        job_id = (await queue.enqueue(session, kind, {}, clock(), max_attempts=3)).id
    worker = Worker(committed, registry, clock=clock)
    waits = []
    for attempt in (1, 2):
        assert await worker.run_once() == (job_id, JobStatus.QUEUED)
        job = await _job(committed, job_id)
        assert job.error == f"RuntimeError: supplier file missing (attempt {attempt})"
        waits.append(job.run_after - clock())
        assert await worker.run_once() is None  # not before its backoff is over
        clock.now = job.run_after
    assert waits == [BACKOFF_BASE, BACKOFF_BASE * 2]

    assert await worker.run_once() == (job_id, JobStatus.FAILED)
    assert await worker.run_once() is None  # failed for good: never claimed again
    job = await _job(committed, job_id)
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.error == "RuntimeError: supplier file missing (attempt 3)"
    assert job.finished_at == clock() and job.locked_by is None


async def test_a_job_whose_worker_died_on_its_last_attempt_ends_failed(
    committed, kind_prefix, clock
) -> None:
    kind, registry = f"{kind_prefix}.last", Registry()

    @registry.job(kind)
    async def never_reached(ctx, args):
        raise AssertionError("a job out of attempts must not run again")

    async with committed.sessionmaker() as session, session.begin():
        job_id = (await queue.enqueue(session, kind, {}, clock(), max_attempts=1)).id
    worker = Worker(committed, registry, clock=clock)
    abandoned = await worker.claim()  # claimed, then the worker "dies": nothing more happens
    assert abandoned is not None and abandoned.id == job_id
    clock.now = abandoned.locked_until + timedelta(seconds=1)
    assert await worker.run_once() is None
    job = await _job(committed, job_id)
    assert job.status is JobStatus.FAILED and "lease expired" in (job.error or "")


async def test_a_worker_that_lost_its_lease_cannot_overwrite_the_new_attempt(
    committed, kind_prefix, clock
) -> None:
    kind, registry = f"{kind_prefix}.slow", Registry()
    paused, resume = asyncio.Event(), asyncio.Event()

    @registry.job(kind)
    async def slow(ctx, args):
        if ctx.attempt == 1:
            paused.set()
            await resume.wait()  # a worker stalled past its lease (GC pause, partition)
            await ctx.progress(1, 1, "back")  # must notice it lost the job
        return {"attempt": ctx.attempt}

    async with committed.sessionmaker() as session, session.begin():
        job_id = (await queue.enqueue(session, kind, {}, clock())).id
    stalled = asyncio.create_task(Worker(committed, registry, clock=clock).run_once())
    await paused.wait()
    clock.advance(timedelta(hours=1))
    assert await Worker(committed, registry, clock=clock).run_once() == (
        job_id,
        JobStatus.SUCCEEDED,
    )
    resume.set()
    assert await stalled == (job_id, None)  # gave up: the job is another worker's now
    job = await _job(committed, job_id)
    assert (job.status, job.result, job.progress_message) == (
        JobStatus.SUCCEEDED,
        {"attempt": 2},
        None,
    )
