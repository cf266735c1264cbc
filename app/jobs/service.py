from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core.errors import NotFound, Unprocessable
from app.core.jobs import queue
from app.core.jobs.models import Job
from app.core.jobs.registry import REGISTRY, Registry
from app.core.principal import Principal
from app.core.time import utcnow
from app.jobs import repository


async def enqueue(
    session: AsyncSession,
    actor: Principal,
    kind: str,
    args: dict[str, Any],
    registry: Registry = REGISTRY,
) -> Job:
    """A person asks for a job: it is queued and the request is audited in the same transaction."""
    if kind not in registry:
        raise Unprocessable(f"no job kind {kind!r}", known=list(registry))
    creator = queue.Creator(actor.kind, actor.id, actor.audit_name)
    job = await queue.enqueue(session, kind, args, utcnow(), creator=creator)
    after = {"kind": kind, "args": args, "status": job.status}
    await record_transition(session, actor, "job.enqueued", "job", job.id, after=after)
    return job


async def get_readable(session: AsyncSession, actor: Principal, job_id: int) -> Job:
    job = await repository.readable_job(session, actor, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return job
