"""The app runs its own job worker (``gimark serve`` does by default): a child process by
default, so a job's CPU never holds the serving event loop; or a task of that loop."""

import asyncio
import os

from sqlalchemy import delete

from app.core.db import Database, create_engine
from app.core.jobs import queue
from app.core.jobs.models import Job, JobStatus
from app.core.time import utcnow
from app.jobs.periodic import PURGE_SALTS
from app.jobs.runtime import JobSettings, ProcessWorker, in_app_worker
from app.main import create_app


def test_the_in_app_worker_is_on_by_default_except_in_tests(monkeypatch) -> None:
    monkeypatch.delenv("GIMARK_JOBS_IN_APP", raising=False)
    assert JobSettings().runs_in_app("production") and JobSettings().runs_in_app("development")
    assert not JobSettings().runs_in_app("test")
    monkeypatch.setenv("GIMARK_JOBS_IN_APP", "false")
    assert not JobSettings().runs_in_app("production")


async def test_the_app_lifespan_runs_queued_jobs(engine, test_settings, monkeypatch) -> None:
    monkeypatch.setenv("GIMARK_JOBS_IN_APP", "true")
    monkeypatch.setenv("GIMARK_JOBS_PROCESS", "false")  # a task of this loop
    monkeypatch.setenv("GIMARK_JOBS_SCHEDULER", "false")  # only the job queued below
    monkeypatch.setenv("GIMARK_JOBS_IDLE_SECONDS", "0.05")
    # its own engine (the schema is the `engine` fixture's): the lifespan disposes of it
    database = Database(create_engine(test_settings.resolved_database_url))
    async with database.sessionmaker() as session, session.begin():
        # queue.enqueue, not the audited service: a committed audit event could not be removed
        job_id = (await queue.enqueue(session, PURGE_SALTS, {}, utcnow())).id
    app = create_app(test_settings, database)
    try:
        async with app.router.lifespan_context(app):
            for _ in range(600):  # a bound, not a timing
                async with database.sessionmaker() as session:
                    job = await session.get(Job, job_id)
                    assert job is not None
                if job.status.is_final:
                    break
                await asyncio.sleep(0.05)
        assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
    finally:
        async with database.sessionmaker() as session, session.begin():
            await session.execute(delete(Job).where(Job.id == job_id))
        await database.dispose()


async def _final(database: Database, job_id: int) -> Job:
    for _ in range(1200):  # a bound, not a timing (a child process starts in seconds)
        async with database.sessionmaker() as session:
            job = await session.get(Job, job_id)
            assert job is not None
        if job.status.is_final:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job.status}")


async def test_the_app_worker_is_a_child_process_by_default(
    engine, test_settings, monkeypatch
) -> None:
    monkeypatch.setenv("GIMARK_JOBS_IN_APP", "true")
    monkeypatch.delenv("GIMARK_JOBS_PROCESS", raising=False)
    monkeypatch.setenv("GIMARK_JOBS_SCHEDULER", "false")
    monkeypatch.setenv("GIMARK_JOBS_IDLE_SECONDS", "0.05")
    database = Database(create_engine(test_settings.resolved_database_url))
    worker = in_app_worker(database, "production")
    assert isinstance(worker, ProcessWorker)
    async with database.sessionmaker() as session, session.begin():
        job_id = (await queue.enqueue(session, PURGE_SALTS, {}, utcnow())).id
    try:
        worker.start()
        assert worker.process is not None and worker.process.pid != os.getpid()
        job = await _final(database, job_id)
        assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
        await worker.stop()
        assert worker.process.returncode is not None  # stopped with the app
    finally:
        await worker.stop()
        async with database.sessionmaker() as session, session.begin():
            await session.execute(delete(Job).where(Job.id == job_id))
        await database.dispose()
