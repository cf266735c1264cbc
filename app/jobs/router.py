from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.core.db import SessionDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.jobs import service
from app.jobs.schemas import JobRead

JobId = Annotated[int, Path(ge=1, le=2**63 - 1)]

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("/{job_id}")
async def read_job(
    session: SessionDep, actor: Annotated[Principal, permit("job.read")], job_id: JobId
) -> JobRead:
    """A job's status, progress and result, for whoever enqueued it and for admins (404 for
    anyone else). Progress is committed as it happens, so polling this shows it move."""
    return JobRead.of(await service.get_readable(session, actor, job_id))
