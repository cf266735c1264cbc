"""``label.issue``: a large batch's codes issued by the job worker (issue 16); importing this
module registers the handler.

Measured before (``benchmarks/bench_mixed.py``): a 10⁶-label issuance inside its HTTP request
took the serving process's CPU for its whole run, and the public check's p99 went from 217 ms
to 150 s. The job worker is a process of its own at a lower CPU priority
(``app.jobs.runtime``), so the serving loop only answers the 202 and the polls.

The issuance is one transaction, as in a request (all codes or none); a heartbeat records
progress every few seconds meanwhile, which also extends the lease. A retry after a crash finds
the batch issued (the transaction committed) or approved (it did not) and acts accordingly, so
the codes are issued exactly once either way. The audit trail names the person who asked in
the ``job.enqueued`` event (written with the request); ``batch.issue`` is the worker's
(``SYSTEM``), with the job's id.
"""

from __future__ import annotations

import asyncio
import contextlib

from app.core.config import get_settings
from app.core.errors import require_state
from app.core.jobs.registry import JobArgs, JobResult, job
from app.core.jobs.runner import JobContext
from app.core.principal import SYSTEM
from app.label import service
from app.label.models import BatchStatus

HEARTBEAT_SECONDS = 5.0


@job(service.ISSUE_JOB)
async def issue_batch_job(ctx: JobContext, args: JobArgs) -> JobResult:
    batch_id = int(args["batch_id"])
    async with ctx.session() as session:
        batch = await service.get_readable(session, SYSTEM, batch_id)
        status, total = batch.status, batch.quantity
    result = {"batch_id": batch_id, "href": f"/api/v1/batches/{batch_id}", "labels": total}
    if status is BatchStatus.APPROVED:
        done = 0

        def advanced(count: int) -> None:
            nonlocal done
            done += count

        async def heartbeat() -> None:
            while True:
                await ctx.progress(done, total, "issuing")
                await asyncio.sleep(HEARTBEAT_SECONDS)

        beating = asyncio.create_task(heartbeat())
        try:
            async with ctx.session() as session:
                await service.issue_batch(session, SYSTEM, batch_id, get_settings(), advanced)
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
    elif status in BatchStatus.undecided_or_refused():  # never approved: nothing to issue
        require_state(f"batch {batch_id}", status, BatchStatus.APPROVED)
    # else issued (by an earlier attempt whose transaction committed), or measures taken since
    await ctx.progress(total, total, "done")
    return result
