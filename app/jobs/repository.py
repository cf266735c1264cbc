from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.jobs.models import Job
from app.core.principal import Principal, Role


def readable_jobs(principal: Principal) -> Select[Job]:
    """Admins read every job; anyone else only the jobs they enqueued themselves."""
    query = select(Job)
    if principal.role is Role.ADMIN:
        return query
    return query.where(
        and_(Job.created_by_kind == principal.kind, Job.created_by_id == principal.id)
    )


async def readable_job(session: AsyncSession, principal: Principal, job_id: int) -> Job | None:
    """The job, if ``principal`` may read it (else ``None``: the caller answers 404)."""
    job: Job | None = await session.scalar(readable_jobs(principal).where(Job.id == job_id))
    return job


async def job_of_kind(session: AsyncSession, job_id: int, kind: str) -> Job | None:
    """The job ``job_id`` if it is of ``kind`` (the caller still decides who may see it)."""
    job: Job | None = await session.scalar(select(Job).where(Job.id == job_id, Job.kind == kind))
    return job


async def jobs_of_kind(session: AsyncSession, job_ids: Sequence[int], kind: str) -> list[Job]:
    if not job_ids:
        return []
    return list(await session.scalars(select(Job).where(Job.id.in_(job_ids), Job.kind == kind)))


async def jobs_for_batch(
    session: AsyncSession, kind: str, batch_id: int, creator: Principal | None, limit: int
) -> list[Job]:
    """The newest jobs of ``kind`` whose arguments name ``batch_id``, only ``creator``'s if
    given (the caller has checked that the batch is readable)."""
    query = select(Job).where(Job.kind == kind, Job.args["batch_id"].as_integer() == batch_id)
    if creator is not None:
        query = query.where(Job.created_by_kind == creator.kind, Job.created_by_id == creator.id)
    return list(await session.scalars(query.order_by(Job.id.desc()).limit(limit)))
