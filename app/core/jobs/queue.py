"""Every query on the ``job`` table. Functions flush, never commit; the runner decides where
each transaction ends (see ``runner``).

Claiming is one statement, ``UPDATE job … WHERE id = (SELECT id … LIMIT 1) RETURNING …``:
on PostgreSQL the inner select takes ``FOR UPDATE SKIP LOCKED``, so concurrent claimers each lock
a different row and never wait on each other; a row another claimer has just committed as
``running`` is re-checked against the WHERE clause and skipped. SQLite has no row locks, but
every transaction starts with BEGIN IMMEDIATE (``app.core.db``), so claims are serialised by the
database's write lock and the same statement is exclusive there too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.jobs.models import Job, JobStatus


@dataclass(frozen=True)
class Creator:
    """Who enqueued a job (a Principal's kind, id and audit name); ``None`` for the scheduler."""

    kind: str
    id: int | None
    name: str


@dataclass(frozen=True)
class Owner:
    """The worker holding a job for one attempt. Every write a worker makes is conditional on
    it, so a worker that lost its lease (paused, partitioned) can never overwrite the attempt
    of the worker that took the job over."""

    job_id: int
    worker: str
    attempt: int

    def matches(self) -> ColumnElement[bool]:
        return and_(
            Job.id == self.job_id,
            Job.status == JobStatus.RUNNING,
            Job.locked_by == self.worker,
            Job.attempts == self.attempt,
        )


async def enqueue(
    session: AsyncSession,
    kind: str,
    args: dict[str, Any],
    now: datetime,
    *,
    creator: Creator | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 3,
) -> Job:
    job = Job(
        kind=kind,
        args=args,
        run_after=run_after or now,
        max_attempts=max_attempts,
        created_by_kind=creator.kind if creator else None,
        created_by_id=creator.id if creator else None,
        created_by=creator.name if creator else None,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    await session.flush()
    return job


async def enqueue_once(
    session: AsyncSession,
    kind: str,
    period_key: str,
    now: datetime,
    *,
    run_after: datetime,
    max_attempts: int = 3,
) -> int | None:
    """Enqueue the job of ``period_key`` unless it exists; the new id, or ``None`` if another
    scheduler (here or on another instance) already did. Safe under any concurrency: the
    unique (kind, period_key) constraint decides, with ON CONFLICT DO NOTHING."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {
        "kind": kind,
        "args": {"period": period_key},
        "status": JobStatus.QUEUED,
        "attempts": 0,
        "max_attempts": max_attempts,
        "run_after": run_after,
        "period_key": period_key,
        "progress_done": 0,
        "created_at": now,
        "updated_at": now,
    }
    insert = (
        dialect.insert(Job)
        .values(values)
        .on_conflict_do_nothing(index_elements=["kind", "period_key"])
        .returning(Job.id)
    )
    new_id: int | None = (await session.execute(insert)).scalar_one_or_none()
    return new_id


async def kinds_with_period(
    session: AsyncSession, kinds: Sequence[str], period_key: str
) -> set[str]:
    """Which of ``kinds`` already have their job for ``period_key`` (read before inserting, so a
    scheduler ticking every minute does not burn an id on PostgreSQL at every conflict)."""
    query = select(Job.kind).where(Job.kind.in_(kinds), Job.period_key == period_key)
    return set(await session.scalars(query))


def _claimable(now: datetime, kinds: Sequence[str]) -> ColumnElement[bool]:
    due = and_(Job.status == JobStatus.QUEUED, Job.run_after <= now)
    abandoned = and_(
        Job.status == JobStatus.RUNNING,
        Job.locked_until < now,
        Job.attempts < Job.max_attempts,
    )
    return and_(Job.kind.in_(kinds), or_(due, abandoned))


async def claim(
    session: AsyncSession, worker: str, kinds: Sequence[str], now: datetime, lease: timedelta
) -> Job | None:
    """Take the next due job of ``kinds`` (or one whose worker's lease expired) for ``worker``."""
    if not kinds:
        return None
    pick = (
        select(Job.id)
        .where(_claimable(now, kinds))
        .order_by(Job.run_after, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # SQLite renders no FOR UPDATE; see module doc
        .scalar_subquery()
    )
    claimed = (
        update(Job)
        .where(Job.id == pick)
        .values(
            status=JobStatus.RUNNING,
            attempts=Job.attempts + 1,
            locked_by=worker,
            locked_until=now + lease,
            started_at=now,
            updated_at=now,
        )
        .returning(Job)
        .execution_options(synchronize_session=False)
    )
    job: Job | None = (await session.execute(claimed)).scalar_one_or_none()
    return job


async def fail_abandoned(session: AsyncSession, now: datetime) -> int:
    """Jobs whose worker died during their last allowed attempt end ``failed``."""
    result = await session.execute(
        update(Job)
        .where(
            Job.status == JobStatus.RUNNING,
            Job.locked_until < now,
            Job.attempts >= Job.max_attempts,
        )
        .values(
            status=JobStatus.FAILED,
            error="the worker stopped (lease expired) during the last allowed attempt",
            locked_by=None,
            locked_until=None,
            finished_at=now,
            updated_at=now,
        )
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())


async def _update_owned(session: AsyncSession, owner: Owner, **values: Any) -> bool:
    result = await session.execute(
        update(Job)
        .where(owner.matches())
        .values(**values)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none() is not None


async def heartbeat(session: AsyncSession, owner: Owner, now: datetime, lease: timedelta) -> bool:
    """Extend the lease; ``False`` if the worker no longer owns the attempt."""
    return await _update_owned(session, owner, locked_until=now + lease, updated_at=now)


async def report_progress(
    session: AsyncSession,
    owner: Owner,
    now: datetime,
    lease: timedelta,
    progress: tuple[int, int | None, str | None],
) -> bool:
    done, total, message = progress
    return await _update_owned(
        session,
        owner,
        progress_done=done,
        progress_total=total,
        progress_message=message,
        locked_until=now + lease,
        updated_at=now,
    )


async def succeed(
    session: AsyncSession, owner: Owner, now: datetime, result: dict[str, Any] | None
) -> bool:
    return await _update_owned(
        session,
        owner,
        status=JobStatus.SUCCEEDED,
        result=result,
        locked_by=None,
        locked_until=None,
        finished_at=now,
        updated_at=now,
    )


async def fail_attempt(
    session: AsyncSession, owner: Owner, now: datetime, error: str, retry_at: datetime | None
) -> bool:
    """Back to ``queued`` until ``retry_at``, or ``failed`` for good when ``retry_at`` is None."""
    final = retry_at is None
    return await _update_owned(
        session,
        owner,
        status=JobStatus.FAILED if final else JobStatus.QUEUED,
        error=error,
        run_after=retry_at if retry_at is not None else Job.run_after,
        locked_by=None,
        locked_until=None,
        finished_at=now if final else None,
        updated_at=now,
    )


async def release(session: AsyncSession, owner: Owner, now: datetime) -> bool:
    """A worker shutting down hands its job back at once instead of waiting for the lease; the
    interrupted attempt does not count against ``max_attempts``."""
    return await _update_owned(
        session,
        owner,
        status=JobStatus.QUEUED,
        attempts=Job.attempts - 1,
        locked_by=None,
        locked_until=None,
        run_after=now,
        updated_at=now,
    )


async def forget_succeeded(session: AsyncSession, kind: str, before: datetime) -> int:
    """Delete the succeeded jobs of ``kind`` finished before ``before``: a job run every few
    minutes would otherwise leave a hundred thousand rows a year; failures are kept."""
    result = await session.execute(
        delete(Job).where(
            Job.kind == kind, Job.status == JobStatus.SUCCEEDED, Job.finished_at < before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def get(session: AsyncSession, job_id: int) -> Job | None:
    return await session.get(Job, job_id)


def listing(status: JobStatus | None = None, kind: str | None = None) -> Select[Job]:
    query = select(Job).order_by(Job.id.desc())
    if status is not None:
        query = query.where(Job.status == status)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return query


async def live_job(session: AsyncSession, kind: str, arg: str, value: int) -> Job | None:
    """A queued or running job of ``kind`` whose ``args[arg]`` is ``value`` (so that asking
    twice for the same work finds the job already asked for)."""
    live = (JobStatus.QUEUED, JobStatus.RUNNING)
    query = (
        select(Job)
        .where(Job.kind == kind, Job.status.in_(live), Job.args[arg].as_integer() == value)
        .order_by(Job.id.desc())
        .limit(1)
    )
    found: Job | None = await session.scalar(query)
    return found
