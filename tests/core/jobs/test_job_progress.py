"""Progress is committed as the handler reports it, so any other session sees it mid-run."""

import asyncio

from app.core.jobs import queue
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import Registry
from app.core.jobs.worker import Worker


async def test_progress_is_visible_from_another_session_while_the_job_runs(
    committed, kind_prefix, clock
) -> None:
    kind, registry = f"{kind_prefix}.long", Registry()
    reported, carry_on = asyncio.Event(), asyncio.Event()

    @registry.job(kind)
    async def long_job(ctx, args):
        await ctx.progress(3, 10, "3 of 10 files")
        reported.set()
        await carry_on.wait()
        await ctx.progress(10, 10, "done")
        return {"files": 10}

    async with committed.sessionmaker() as session, session.begin():
        job_id = (await queue.enqueue(session, kind, {}, clock())).id
    running = asyncio.create_task(Worker(committed, registry, clock=clock).run_once())
    await reported.wait()
    async with committed.sessionmaker() as reader:  # another connection, like an HTTP reader
        seen = await reader.get(Job, job_id)
        assert seen is not None
        mid_run = (seen.status, seen.progress_done, seen.progress_total, seen.progress_message)
    carry_on.set()
    assert await running == (job_id, JobStatus.SUCCEEDED)
    assert mid_run == (JobStatus.RUNNING, 3, 10, "3 of 10 files")
    async with committed.sessionmaker() as reader:
        final = await reader.get(Job, job_id)
        assert final is not None
        assert (final.status, final.progress_done, final.result) == (
            JobStatus.SUCCEEDED,
            10,
            {"files": 10},
        )
