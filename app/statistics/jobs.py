"""The refresh job: every three minutes, so that with the minute rows are left to settle and
the scheduler's one-minute tick the figures are at most five minutes stale.

Importing this module registers the handler; the composition root (``app.wiring``) adds
``PERIODIC`` to the worker's schedule, since the jobs domain sits below this one."""

from __future__ import annotations

from datetime import timedelta

from app.core.jobs import queue
from app.core.jobs.registry import JobArgs, JobResult, job
from app.core.jobs.runner import JobContext
from app.core.jobs.schedule import Periodic
from app.core.time import utcnow
from app.statistics import rollup

REFRESH = "statistics.refresh"
# One attempt: a failed refresh is simply done again by the next slot's job.
PERIODIC = Periodic(REFRESH, every=timedelta(minutes=3), max_attempts=1)
KEEP_SUCCEEDED = timedelta(days=2)  # the job list keeps two days of refreshes, and every failure


@job(REFRESH)
async def refresh_statistics(ctx: JobContext, _args: JobArgs) -> JobResult:
    """Fold new scans, issued batches, clone flags and taken-out labels into ``stat_daily``;
    a backlog (the first run on a large database) is worked off in bounded transactions."""
    scans, runs = 0, 0
    while True:
        async with ctx.session() as session:
            outcome = await rollup.refresh(session, utcnow())
        scans, runs = scans + outcome.scans, runs + 1
        await ctx.progress(scans, None, f"{scans} scans folded in")
        if not outcome.behind:
            break
    async with ctx.session() as session:
        forgotten = await queue.forget_succeeded(session, REFRESH, utcnow() - KEEP_SUCCEEDED)
    return {"scans": scans, "runs": runs, "skipped": outcome.skipped, "forgotten": forgotten}
