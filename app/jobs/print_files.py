"""Print files as background jobs: asked for, followed and fetched. The API
(``print_router``) and the console call these; the job's handler is in ``print_jobs``.

    request(...)    a plan to write at once, or a queued job above the threshold
    enqueue(...)    always a job (audited as ``job.enqueued`` by the jobs service)
    get(...)        the job, if the caller may fetch its file (else 404)
    recent(...)     a batch's latest jobs the caller may fetch
    status(job)     progress and readiness, for a progress bar
    open_file(...)  the finished file on disk (409 not ready, 410 expired)

Who may fetch a file: its job's creator or staff, and only within the batch's scoping (a
licensee of another enterprise gets 404, as for the batch itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import InvalidState, NotFound
from app.core.jobs.models import Job, JobStatus
from app.core.permissions import STAFF
from app.core.principal import Principal
from app.jobs import print_store, repository
from app.jobs import service as jobs_service
from app.jobs.exceptions import PrintFileExpired
from app.label import printfile
from app.label import service as label_service
from app.label.printfile import PrintFormat, PrintPlan

PRINT_FILE = "label.print_file"
Serials = tuple[int, int | None]  # (from_serial, to_serial or None for the batch's last)


async def request(
    session: AsyncSession,
    actor: Principal,
    settings: Settings,
    batch_id: int,
    print_format: PrintFormat,
    serials: Serials = (1, None),
) -> PrintPlan | Job:
    """The plan of a file small enough to write now, or the queued job of a larger one (more
    live labels than ``print_background_threshold``)."""
    base_url = settings.public_base_url
    plan = await printfile.plan(session, actor, batch_id, base_url, print_format, serials)
    if plan.live_labels <= settings.print_background_threshold:
        return plan
    return await _enqueue(session, actor, plan)


async def enqueue(
    session: AsyncSession,
    actor: Principal,
    settings: Settings,
    batch_id: int,
    print_format: PrintFormat,
    serials: Serials = (1, None),
) -> Job:
    """Queue a print file whatever its size (the batch is checked now: 404, 409, 422)."""
    base_url = settings.public_base_url
    plan = await printfile.plan(session, actor, batch_id, base_url, print_format, serials)
    return await _enqueue(session, actor, plan)


async def _enqueue(session: AsyncSession, actor: Principal, plan: PrintPlan) -> Job:
    # The URL printed is the one of the instance that accepted the request, as for a file
    # sent at once; the directory is each worker's own setting (all must share one).
    args = {
        "batch_id": plan.job.batch_id,
        "format": plan.format.value,
        "from_serial": plan.first,
        "to_serial": plan.last,
        "base_url": plan.job.base_url,
    }
    return await jobs_service.enqueue(session, actor, PRINT_FILE, args)


async def get(session: AsyncSession, actor: Principal, job_id: int) -> Job:
    """The print job, for its creator or staff who may read its batch; 404 for anyone else."""
    job = await repository.job_of_kind(session, job_id, PRINT_FILE)
    mine = job is not None and (job.created_by_kind, job.created_by_id) == (actor.kind, actor.id)
    if job is None or not (mine or actor.role in STAFF):
        raise NotFound(f"print file {job_id} not found")
    try:
        await label_service.get_readable(session, actor, int(job.args["batch_id"]))
    except NotFound:
        raise NotFound(f"print file {job_id} not found") from None
    return job


async def recent(
    session: AsyncSession, actor: Principal, batch_id: int, limit: int = 10
) -> list[Job]:
    """The newest print jobs of a batch the caller may fetch (as ``get`` decides: its own, or
    every one for staff), so a file asked for earlier can be found again from the batch."""
    await label_service.get_readable(session, actor, batch_id)
    creator = None if actor.role in STAFF else actor
    return await repository.jobs_for_batch(session, PRINT_FILE, batch_id, creator, limit)


@dataclass(frozen=True)
class PrintFileStatus:
    """What a progress bar shows: labels written of how many, and the link once done."""

    state: JobStatus
    done: int
    total: int | None
    message: str | None
    ready: bool
    expired: bool
    href: str | None
    filename: str | None
    error: str | None

    @property
    def percent(self) -> int | None:
        if self.ready:
            return 100
        return int(100 * self.done / self.total) if self.total else None


def status(job: Job) -> PrintFileStatus:
    result = job.result or {}
    expired = bool(result.get("expired_at"))
    ready = job.status is JobStatus.SUCCEEDED and not expired
    return PrintFileStatus(
        state=job.status,
        done=job.progress_done,
        total=job.progress_total,
        message=job.progress_message,
        ready=ready,
        expired=expired,
        href=result.get("href") if ready else None,
        filename=result.get("filename"),
        error=job.error if job.status is JobStatus.FAILED else None,
    )


@dataclass(frozen=True)
class PrintFileOnDisk:
    path: Path
    filename: str
    media_type: str


def open_file(job: Job, settings: Settings) -> PrintFileOnDisk:
    """The finished file: 409 while the job is not done, 410 once the file is deleted."""
    if job.status is not JobStatus.SUCCEEDED:
        raise InvalidState(
            f"print file {job.id} is not ready: its job is {job.status.value}",
            current_state=job.status,
        )
    result, print_format = job.result or {}, PrintFormat(job.args["format"])
    directory = settings.resolved_print_files_dir
    path = print_store.published_path(directory, job.id, print_format.extension)
    if result.get("expired_at") or not path.is_file():
        days = settings.print_files_keep_days
        raise PrintFileExpired(
            f"print file {job.id} was deleted (files are kept {days} days); ask for it again"
        )
    return PrintFileOnDisk(path, str(result["filename"]), print_format.media_type)
