"""The app's own job worker: on for ``gimark serve`` unless ``GIMARK_JOBS_IN_APP=false`` (for a
deployment that runs ``gimark jobs worker`` separately), off in test mode.

By default it is a child process the app starts and stops (``gimark jobs worker``), not a task
of the serving event loop. Measured (``benchmarks/bench_mixed.py``, issue 16): with a 10,000-label
PDF built by a worker task in the app, the public check's median at a steady 300 req/s went from
8 ms to 579 ms, because the page renderer's thread holds the GIL and the event loop waits for
it; with the worker in its own process, 5 ms. ``GIMARK_JOBS_PROCESS=false`` keeps the task (one
process, e.g. a small demo or a test that drives the lifespan)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.db import Database
from app.core.jobs.registry import REGISTRY
from app.core.jobs.schedule import Periodic, deployment_zone
from app.core.jobs.worker import BackgroundWorker, Worker
from app.jobs import issue_jobs, periodic

# Periodic jobs of domains above this one (the statistics refresh), added by the composition
# root (``app.wiring``): this domain may not import them.
_added: list[Periodic] = []
HANDLERS = (issue_jobs.issue_batch_job,)  # imported for their registration


def add_periodic(periodic_job: Periodic) -> None:
    if periodic_job not in _added:
        _added.append(periodic_job)


def periodics() -> tuple[Periodic, ...]:
    return (*periodic.PERIODIC, *_added)


class JobSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GIMARK_JOBS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    in_app: bool | None = None  # None: on, except in test mode
    lease_seconds: int = Field(default=120, ge=10)
    idle_seconds: float = Field(default=2.0, gt=0)
    scheduler: bool = True
    process: bool = True  # the app's worker in a child process (see the module docstring)
    # …at a lower CPU priority: on a busy machine the kernel gives the serving process the CPU
    # first, and the jobs the rest (they take longer; a public check does not wait).
    nice: int = Field(default=10, ge=0, le=19)

    def runs_in_app(self, mode: str) -> bool:
        return self.in_app if self.in_app is not None else mode != "test"


def make_worker(database: Database, settings: JobSettings | None = None) -> Worker:
    settings = settings or JobSettings()
    return Worker(
        database,
        REGISTRY,
        periodics=periodics() if settings.scheduler else (),
        zone=deployment_zone(),
        lease=timedelta(seconds=settings.lease_seconds),
        idle_seconds=settings.idle_seconds,
    )


class ProcessWorker:
    """``gimark jobs worker`` as a child of the app process, on the app's database. It stops
    with the app (SIGTERM, then killed after the grace period; a job cut short is retried once
    its lease runs out, as after any crash) and by itself if the app dies first."""

    def __init__(self, database_url: str, nice: int = 0) -> None:
        self.database_url, self.nice = database_url, nice
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        # ``-c`` rather than the ``gimark`` script: the same interpreter and the same ``app``
        # package as this process (a checkout may differ from the installed one).
        main = "from app.cli import main; main()"
        parent = ["--parent-pid", str(os.getpid()), "--nice", str(self.nice)]
        return [sys.executable, "-c", main, "jobs", "worker", *parent]

    def start(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
        env = os.environ | {"GIMARK_DATABASE_URL": self.database_url, "PYTHONPATH": path}
        # The command is this interpreter and fixed arguments, nothing from a request.
        self.process = subprocess.Popen(self.command(), env=env)  # noqa: S603

    async def stop(self, grace_seconds: float = 5.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            await asyncio.to_thread(self.process.wait, grace_seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            with suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(self.process.wait, grace_seconds)


def in_app_worker(database: Database, mode: str) -> BackgroundWorker | ProcessWorker | None:
    settings = JobSettings()
    if not settings.runs_in_app(mode):
        return None
    if settings.process:
        url = database.engine.url.render_as_string(hide_password=False)
        return ProcessWorker(url, settings.nice)
    return BackgroundWorker(make_worker(database, settings))
