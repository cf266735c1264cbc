from __future__ import annotations

from sqlalchemy import Select, and_, select

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
