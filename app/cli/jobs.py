from __future__ import annotations

import asyncio
import json
import os
import signal
from contextlib import suppress
from typing import Any

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.common import run_in_session, run_with_database
from app.core.db import Database
from app.core.jobs import queue
from app.core.jobs.models import Job, JobStatus
from app.core.principal import SYSTEM
from app.jobs import service
from app.jobs.runtime import JobSettings, make_worker
from app.jobs.schemas import JobRead


@click.group()
def jobs() -> None:
    """Background jobs: the worker, and what is queued, running and done."""


@jobs.command()
@click.option("--no-scheduler", is_flag=True, help="run jobs only; enqueue no periodic jobs")
@click.option("--once", is_flag=True, help="run the due jobs, then exit")
@click.option(
    "--parent-pid",
    type=int,
    default=None,
    hidden=True,
    help="stop once this process is gone (the app's own worker: app.jobs.runtime)",
)
@click.option(
    "--nice",
    type=click.IntRange(0, 19),
    default=0,
    help="lower this worker's CPU priority (the app's own worker: app.jobs.runtime)",
)
def worker(no_scheduler: bool, once: bool, parent_pid: int | None, nice: int) -> None:
    """Run jobs (and enqueue the daily ones) until SIGINT/SIGTERM; any number may run at once."""
    settings = JobSettings()
    if nice:
        os.nice(nice)
    if no_scheduler:
        settings = settings.model_copy(update={"scheduler": False})

    async def _run(database: Database) -> None:
        runner = make_worker(database, settings)
        if once:
            if runner.periodics:
                await runner.tick()
            while await runner.run_once() is not None:
                pass
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        watch = asyncio.create_task(_stop_without(parent_pid, stop)) if parent_pid else None
        await runner.run(stop)
        if watch is not None:
            watch.cancel()

    run_with_database(_run)


async def _stop_without(parent_pid: int, stop: asyncio.Event) -> None:
    """An orphaned worker (its app killed outright) stops: re-parented, its parent id changes."""
    while os.getppid() == parent_pid and not stop.is_set():
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
    stop.set()


@jobs.command("list")
@click.option("--status", type=click.Choice([s.value for s in JobStatus]), default=None)
@click.option("--kind", default=None)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def list_jobs(status: str | None, kind: str | None, limit: int) -> None:
    """The latest jobs, newest first."""

    async def _list(session: AsyncSession) -> list[Job]:
        query = queue.listing(JobStatus(status) if status else None, kind).limit(limit)
        return list(await session.scalars(query))

    for job in run_in_session(_list):
        total = f"/{job.progress_total}" if job.progress_total is not None else ""
        click.echo(
            f"{job.id}\t{job.kind}\t{job.status.value}\tattempt {job.attempts}/{job.max_attempts}"
            f"\t{job.progress_done}{total}\t{job.period_key or ''}"
        )


@jobs.command()
@click.argument("job_id", type=int)
def show(job_id: int) -> None:
    """One job as JSON: status, progress, result and last error."""

    async def _show(session: AsyncSession) -> Job | None:
        return await queue.get(session, job_id)

    job = run_in_session(_show)
    if job is None:
        raise click.ClickException(f"not_found: job {job_id} not found")
    click.echo(JobRead.of(job).model_dump_json(indent=2))


@jobs.command()
@click.argument("kind")
@click.option("--args", "raw_args", default="{}", help="JSON object of arguments")
def enqueue(kind: str, raw_args: str) -> None:
    """Queue a job now (audited as the system); e.g. ``gimark jobs enqueue scans.rollup``."""
    try:
        args: Any = json.loads(raw_args)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"--args is not JSON: {exc}") from exc
    if not isinstance(args, dict):
        raise click.ClickException("--args must be a JSON object")

    async def _enqueue(session: AsyncSession) -> int:
        return (await service.enqueue(session, SYSTEM, kind, args)).id

    click.echo(f"queued job {run_in_session(_enqueue)}")


def register(group: click.Group) -> None:
    group.add_command(jobs)
