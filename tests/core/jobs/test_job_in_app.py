"""The app can run a worker in its own process (``gimark serve`` does by default)."""

import asyncio

from sqlalchemy import delete

from app.core.db import Database, create_engine
from app.core.jobs import queue
from app.core.jobs.models import Job, JobStatus
from app.core.time import utcnow
from app.jobs.periodic import PURGE_SALTS
from app.jobs.runtime import JobSettings
from app.main import create_app


def test_the_in_app_worker_is_on_by_default_except_in_tests(monkeypatch) -> None:
    monkeypatch.delenv("GIMARK_JOBS_IN_APP", raising=False)
    assert JobSettings().runs_in_app("production") and JobSettings().runs_in_app("development")
    assert not JobSettings().runs_in_app("test")
    monkeypatch.setenv("GIMARK_JOBS_IN_APP", "false")
    assert not JobSettings().runs_in_app("production")


async def test_the_app_lifespan_runs_queued_jobs(engine, test_settings, monkeypatch) -> None:
    monkeypatch.setenv("GIMARK_JOBS_IN_APP", "true")
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
