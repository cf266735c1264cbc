"""The print-file jobs' handlers; importing this module registers them.

``label.print_file`` writes one file into the print directory. It restarts from the first
label on every attempt rather than resuming: a file's content is a few minutes' work at most,
and a restart needs no trust in what a dead worker left on disk (its part file is deleted;
see ``print_store``). Progress is committed after every page of 5,000 labels, which also
extends the lease, and the file is published by one atomic rename, so a file is served whole
or not at all.

``print_files.purge`` (daily) deletes files older than ``print_files_keep_days`` and marks
their jobs' results expired (a download then answers 410).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from app.core.config import Settings, get_settings
from app.core.jobs.registry import JobArgs, JobResult, job
from app.core.jobs.runner import JobContext
from app.core.principal import SYSTEM
from app.jobs import print_store, repository
from app.jobs.print_files import PRINT_FILE
from app.label import printfile
from app.label.printfile import PrintFormat

PURGE_PRINT_FILES = "print_files.purge"


def worker_settings() -> Settings:
    """The worker's settings (the print directory, the retention); a seam for tests."""
    return get_settings()


@job(PRINT_FILE)
async def build_print_file(ctx: JobContext, args: JobArgs) -> JobResult:
    settings = worker_settings()
    directory = settings.resolved_print_files_dir
    await asyncio.to_thread(print_store.prepare, directory, ctx.job_id)
    async with ctx.session() as session:  # checked again: the batch may no longer print
        plan = await printfile.plan(
            session,
            SYSTEM,
            int(args["batch_id"]),
            str(args["base_url"]),
            PrintFormat(args["format"]),
            (int(args["from_serial"]), int(args["to_serial"])),
        )
    await ctx.progress(0, plan.live_labels, "writing")
    part = print_store.part_path(directory, ctx.job_id, ctx.attempt)
    published = print_store.published_path(directory, ctx.job_id, plan.format.extension)

    async def progress(done: int, total: int) -> None:
        await ctx.progress(done, total, "writing")

    try:
        written = await printfile.write(plan, part, ctx.session, progress)
        ctx.check()  # a worker that lost the job publishes nothing
        size = print_store.publish(part, published)
    finally:
        part.unlink(missing_ok=True)
    await ctx.progress(written, written, "done")
    expires_at = ctx.clock() + timedelta(days=settings.print_files_keep_days)
    return {
        "href": f"/api/v1/print-files/{ctx.job_id}",
        "filename": plan.filename,
        "format": plan.format.value,
        "labels": written,
        "bytes": size,
        "expires_at": expires_at.isoformat(),
    }


@job(PURGE_PRINT_FILES)
async def purge_print_files(ctx: JobContext, _args: JobArgs) -> JobResult:
    settings = worker_settings()
    now = ctx.clock()
    cutoff = now - timedelta(days=settings.print_files_keep_days)
    old = await asyncio.to_thread(print_store.older_than, settings.resolved_print_files_dir, cutoff)
    job_ids = [job_id for _, job_id in old if job_id is not None]
    # Marked first, deleted second: a crash in between leaves files the next purge deletes,
    # never a job that offers a file that is gone.
    async with ctx.session() as session:
        for expired in await repository.jobs_of_kind(session, job_ids, PRINT_FILE):
            result = dict(expired.result or {})
            result.update(expired_at=now.isoformat(), href=None)
            expired.result = result
    await asyncio.to_thread(print_store.delete, [path for path, _ in old])
    return {"deleted": len(old), "jobs_expired": len(job_ids)}
