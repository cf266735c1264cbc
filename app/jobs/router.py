from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import AnyRole
from app.core.db import SessionDep
from app.jobs import service
from app.jobs.schemas import JobRead

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("/{job_id}")
async def read_job(session: SessionDep, actor: AnyRole, job_id: int) -> JobRead:
    """A job's status, progress and result, for whoever enqueued it and for admins (404 for
    anyone else). Progress is committed as it happens, so polling this shows it move."""
    return JobRead.of(await service.get_readable(session, actor, job_id))
