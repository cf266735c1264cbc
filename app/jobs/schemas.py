from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from app.core.jobs.models import Job, JobStatus


class Progress(BaseModel):
    done: int
    total: int | None
    message: str | None


class JobLinks(BaseModel):
    self: str
    # A job whose output is a resource (a file, a report) names it in its result as "href".
    result: str | None = None


class JobRead(BaseModel):
    id: int
    kind: str
    status: JobStatus
    attempts: int
    max_attempts: int
    run_after: datetime
    period_key: str | None
    progress: Progress
    result: dict[str, Any] | None
    error: str | None
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: JobLinks

    @classmethod
    def of(cls, job: Job) -> JobRead:
        href = (job.result or {}).get("href")
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            run_after=job.run_after,
            period_key=job.period_key,
            progress=Progress(
                done=job.progress_done, total=job.progress_total, message=job.progress_message
            ),
            result=job.result,
            error=job.error,
            created_by=job.created_by,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            links=JobLinks(
                self=f"/api/v1/jobs/{job.id}", result=href if isinstance(href, str) else None
            ),
        )
