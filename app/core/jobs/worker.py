"""The worker loop: claim a due job, run it, repeat; tick the scheduler now and then. Runs as
an asyncio task inside the app (``JobSettings.in_app``) or alone (``gimark jobs worker``); any
number of workers on any number of instances may share one database."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time as monotonic_time
from collections.abc import Sequence
from contextlib import suppress
from datetime import timedelta
from zoneinfo import ZoneInfo

from app.core.db import Database
from app.core.jobs import queue, schedule
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import REGISTRY, Registry
from app.core.jobs.runner import Clock, Runner
from app.core.time import utcnow

logger = logging.getLogger("gimark.jobs")


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    def __init__(
        self,
        database: Database,
        registry: Registry = REGISTRY,
        *,
        periodics: Sequence[schedule.Periodic] = (),
        zone: ZoneInfo | None = None,
        lease: timedelta = timedelta(minutes=2),
        idle_seconds: float = 2.0,
        tick_seconds: float = 60.0,
        clock: Clock = utcnow,
        name: str | None = None,
    ) -> None:
        self.database, self.registry, self.clock = database, registry, clock
        self.periodics, self.zone = tuple(periodics), zone or schedule.deployment_zone()
        self.lease, self.idle_seconds, self.tick_seconds = lease, idle_seconds, tick_seconds
        self.name = name or worker_name()
        self.runner = Runner(database, registry, lease, clock)
        self._last_tick: float | None = None

    async def claim(self) -> Job | None:
        async with self.database.sessionmaker() as session, session.begin():
            now = self.clock()
            await queue.fail_abandoned(session, now)
            return await queue.claim(session, self.name, list(self.registry), now, self.lease)

    async def run_once(self) -> tuple[int, JobStatus | None] | None:
        """Claim and run one job: its id and status afterwards, or ``None`` if none was due."""
        job = await self.claim()
        if job is None:
            return None
        return job.id, await self.runner.run(job)

    async def tick(self) -> list[int]:
        async with self.database.sessionmaker() as session, session.begin():
            return await schedule.tick(session, self.periodics, self.clock(), self.zone)

    async def run(self, stop: asyncio.Event) -> None:
        logger.info("job worker %s started (%s)", self.name, ", ".join(self.registry))
        while not stop.is_set():
            try:
                await self._tick_if_due()
                ran = await self.run_once()
            except Exception:
                # The loop must outlive any one failure (database down, a bug in a handler's
                # bookkeeping): a job left running is retried after its lease.
                logger.exception("job worker %s: iteration failed; carrying on", self.name)
                ran = None
            if ran is None:
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_seconds)
        logger.info("job worker %s stopped", self.name)

    async def _tick_if_due(self) -> None:
        if not self.periodics:
            return
        now = monotonic_time.monotonic()
        if self._last_tick is None or now - self._last_tick >= self.tick_seconds:
            await self.tick()
            self._last_tick = now


class BackgroundWorker:
    """A :class:`Worker` as a task of the running event loop (the app's lifespan)."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.worker.run(self._stop), name="gimark-jobs")

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """End the loop, letting a running job finish for ``grace_seconds``; after that it is
        cancelled and handed back to the queue for another worker."""
        self._stop.set()
        if self._task is None:
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
        self._task.cancel()
        with suppress(asyncio.CancelledError):
            await self._task
