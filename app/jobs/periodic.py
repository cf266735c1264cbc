"""The periodic jobs and their handlers; importing this module registers them (and, through
``print_jobs``, the print-file jobs').

Each is idempotent (it works on whatever is due when it runs), as at-least-once delivery needs.
"""

from __future__ import annotations

from datetime import time

from app.core.jobs.registry import JobArgs, JobResult, job
from app.core.jobs.runner import JobContext
from app.core.jobs.schedule import Periodic
from app.core.time import utcnow
from app.inspection import objections
from app.jobs.print_jobs import PURGE_PRINT_FILES
from app.notice import checkpoints
from app.verification.rollup import roll_up
from app.verification.salts import destroy_old_salts

ROLLUP = "scans.rollup"
PURGE_SALTS = "scans.purge_salts"
AUDIT_CHECKPOINT = "audit.checkpoint"
CLOSE_OBJECTION_WINDOWS = "inspection.close_windows"

# Local times of day (deployment zone); quiet hours, and the checkpoint just after midnight so
# it pins the ledger as it stood at the end of the previous local day.
PERIODIC = (
    Periodic(AUDIT_CHECKPOINT, at=time(0, 5)),
    # Just after midnight: a window's last day has ended everywhere in the zone.
    Periodic(CLOSE_OBJECTION_WINDOWS, at=time(0, 15)),
    Periodic(PURGE_SALTS, at=time(1, 0)),
    Periodic(ROLLUP, at=time(2, 0)),
    Periodic(PURGE_PRINT_FILES, at=time(3, 0)),
)


@job(ROLLUP)
async def rollup_scans(ctx: JobContext, _args: JobArgs) -> JobResult:
    """Fold scans older than 180 days into daily counts (``app.verification.rollup``)."""
    async with ctx.session() as session:
        folded = await roll_up(session, utcnow())
    return {"rolled_up": folded}


@job(PURGE_SALTS)
async def purge_salts(ctx: JobContext, _args: JobArgs) -> JobResult:
    """Destroy address-hashing salts older than 48 hours (``app.verification.salts``)."""
    async with ctx.session() as session:
        destroyed = await destroy_old_salts(session, utcnow().date())
    return {"destroyed": [day.isoformat() for day in destroyed]}


@job(AUDIT_CHECKPOINT)
async def audit_checkpoint(ctx: JobContext, _args: JobArgs) -> JobResult:
    """Publish today's audit chain head as a public notice (``app.notice.checkpoints``); a
    second run on the same local day finds it out already and publishes nothing."""
    async with ctx.session() as session:
        notice = await checkpoints.publish_checkpoint(session)
    return {"published": notice.detail if notice is not None else None}


@job(CLOSE_OBJECTION_WINDOWS)
async def close_objection_windows(ctx: JobContext, _args: JobArgs) -> JobResult:
    """Make final, and publish, the failing results whose objection window ended without an
    objection (``app.inspection.objections``)."""
    async with ctx.session() as session:
        closed = await objections.close_expired_windows(session)
    return {"finalised": closed}
