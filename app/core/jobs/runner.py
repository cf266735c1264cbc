"""Running one claimed job: its context, its heartbeat, and how its attempt ends.

The runner is the one place outside the request cycle that commits: a job has no request whose
transaction it could join, and each of its writes must be visible to other workers and to HTTP
readers at once (progress, the lease) or must survive the handler's failure (the error and the
retry time). So every write here is its own short transaction, and the handler's own work is
done in the short transactions it opens with ``ctx.session()``. Short transactions also matter
on SQLite, where a transaction holds the one write lock until it ends.

Delivery is at least once: a worker that dies after its handler committed but before the job
was marked ``succeeded`` leaves the job to be run again, so handlers must be idempotent (every
periodic job is: each one works on "whatever is due now").
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.core.jobs import queue
from app.core.jobs.models import Job, JobStatus
from app.core.jobs.registry import Registry

logger = logging.getLogger("gimark.jobs")

MAX_RESULT_BYTES = 16_384
MAX_ERROR_CHARS = 2_000
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)

Clock = Callable[[], datetime]


class LeaseLost(Exception):
    """The job was taken over by another worker (this one's lease expired); stop working on it."""


def backoff(attempt: int) -> timedelta:
    """Wait before attempt ``attempt + 1``: 30 s, 1 min, 2 min, … up to an hour."""
    wait: timedelta = BACKOFF_BASE * 2 ** (attempt - 1)
    return min(wait, BACKOFF_CAP)


def describe(exc: BaseException) -> str:
    """The error text kept on the job. Database errors keep only their class: their message
    carries the SQL and its parameters, which may hold personal data or secrets."""
    if isinstance(exc, SQLAlchemyError):
        return f"{type(exc).__name__} (database error; see the worker's log)"
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]


def _checked_result(result: Any) -> dict[str, Any] | None:
    if result is not None and not isinstance(result, dict):
        raise TypeError(f"a job handler must return a dict or None, not {type(result).__name__}")
    if result is not None and len(json.dumps(result)) > MAX_RESULT_BYTES:
        raise ValueError(f"job result larger than {MAX_RESULT_BYTES} bytes; store it elsewhere")
    return result


@dataclass
class JobContext:
    """What a handler gets besides its arguments: sessions, progress, and who it is."""

    job_id: int
    kind: str
    attempt: int
    database: Database
    owner: queue.Owner
    lease: timedelta
    clock: Clock
    lost: asyncio.Event = field(default_factory=asyncio.Event)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in its own transaction, committed when the block ends (rolled back if it
        raises). Keep each block short; split long work into several."""
        self.check()
        async with self.database.sessionmaker() as session, session.begin():
            yield session

    async def progress(
        self, done: int, total: int | None = None, message: str | None = None
    ) -> None:
        """Record progress (committed at once, readable by anyone) and extend the lease.
        Raises :class:`LeaseLost` if another worker has taken the job over."""
        values = (done, total, message[:200] if message else None)
        async with self.database.sessionmaker() as session, session.begin():
            owned = await queue.report_progress(
                session, self.owner, self.clock(), self.lease, values
            )
        if not owned:
            self.lost.set()
        self.check()

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(f"job {self.job_id} attempt {self.attempt} was taken over")


class Runner:
    def __init__(self, database: Database, registry: Registry, lease: timedelta, clock: Clock):
        self.database, self.registry, self.lease, self.clock = database, registry, lease, clock

    async def run(self, job: Job) -> JobStatus | None:
        """Run a job this worker has claimed; its status afterwards, or ``None`` if the job was
        taken over by another worker meanwhile."""
        assert job.locked_by is not None
        owner = queue.Owner(job.id, job.locked_by, job.attempts)
        ctx = JobContext(
            job.id, job.kind, job.attempts, self.database, owner, self.lease, self.clock
        )
        work = asyncio.create_task(self._call(ctx, job))
        beat = asyncio.create_task(self._heartbeat(ctx, work))
        try:
            result = await work
        except (LeaseLost, asyncio.CancelledError):
            if ctx.lost.is_set():
                logger.warning("job %s lost its lease; another worker runs it", job.id)
                return None
            await self._write(queue.release, owner)  # shutting down: hand it back
            raise
        except Exception as exc:
            logger.exception("job %s (%s) attempt %s failed", job.id, job.kind, job.attempts)
            return await self._failed(job, owner, exc)
        finally:
            beat.cancel()
            with suppress(asyncio.CancelledError):
                await beat
        done = await self._write(queue.succeed, owner, result)
        return JobStatus.SUCCEEDED if done else None

    async def _call(self, ctx: JobContext, job: Job) -> dict[str, Any] | None:
        handler = self.registry.handler(job.kind)
        return _checked_result(await handler(ctx, dict(job.args or {})))

    async def _failed(self, job: Job, owner: queue.Owner, exc: Exception) -> JobStatus | None:
        retry_at = None
        if job.attempts < job.max_attempts:
            retry_at = self.clock() + backoff(job.attempts)
        if not await self._write(queue.fail_attempt, owner, describe(exc), retry_at):
            return None
        return JobStatus.QUEUED if retry_at else JobStatus.FAILED

    async def _heartbeat(self, ctx: JobContext, work: asyncio.Task[Any]) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                owned = await self._write(queue.heartbeat, ctx.owner, self.lease)
            except Exception:  # the database is away: keep trying while the lease lasts
                logger.warning("job %s: heartbeat failed; retrying", ctx.job_id, exc_info=True)
                continue
            if not owned:
                ctx.lost.set()
                work.cancel()
                return

    async def _write(self, write: Any, owner: queue.Owner, *args: Any) -> bool:
        async with self.database.sessionmaker() as session, session.begin():
            owned: bool = await write(session, owner, self.clock(), *args)
            return owned
