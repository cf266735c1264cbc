"""Print runs and the printing–issuing–use ledger (印制、发放、使用和溯源管理台账), per enterprise
and product: batches requested, approved and issued; what was printed, spoiled and destroyed
(the licensee's print runs); labels voided and revoked; scans. Each batch line reconciles the
labels issued with those the print runs account for.

A licensee reads only its own enterprise's ledger; another's is "not found", like any object
of another enterprise (the enterprise look-up scopes it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core.errors import require_state
from app.core.principal import Principal
from app.core.time import utcnow
from app.enterprise import service as enterprise_service
from app.label import service as label_service
from app.label.models import BatchStatus
from app.registry import service as registry_service
from app.supervision import repository
from app.supervision.models import PrintRun
from app.supervision.schemas import Ledger, LedgerBatch, PrintRunIn, PrintRunRead

RUN_FIELDS = tuple(PrintRunIn.model_fields)


async def record_print_run(session: AsyncSession, actor: Principal, data: PrintRunIn) -> PrintRun:
    """A licensee records how one of its issued batches was printed."""
    batch = await label_service.get_readable(session, actor, data.batch_id)
    require_state(f"label batch {batch.id}", batch.status, *BatchStatus.on_market())
    run = PrintRun(
        enterprise_id=batch.enterprise_id,
        product_id=batch.product_id,
        recorded_by_id=actor.user_id,
        **data.model_dump(),
    )
    async with audited(session, actor, "print_run.record", run, *RUN_FIELDS):
        session.add(run)
    return run


async def print_runs_of_batch(
    session: AsyncSession, principal: Principal, batch_id: int
) -> list[PrintRun]:
    """The runs recorded for one batch (404 for a batch the caller may not read)."""
    batch = await label_service.get_readable(session, principal, batch_id)
    return list(await session.scalars(repository.print_runs_of_batch(batch.id)))


def _batch_line(row: tuple[Any, ...]) -> LedgerBatch:
    (
        batch_id,
        lot,
        status,
        requested,
        issued,
        printed,
        spoiled,
        destroyed,
        voided,
        revoked,
        scans,
    ) = row
    usable = int(printed) - int(spoiled) - int(destroyed)  # printed labels fit to be applied
    return LedgerBatch(
        batch_id=batch_id,
        lot_number=lot,
        status=str(status),
        requested=requested,
        issued=issued,
        printed=printed,
        spoiled=spoiled,
        destroyed=destroyed,
        voided=voided,
        revoked=revoked,
        scans=scans,
        unaccounted=int(issued) - usable,
    )


async def ledger(
    session: AsyncSession,
    principal: Principal,
    enterprise_id: int,
    product_id: int,
    season: int | None = None,
) -> Ledger:
    enterprise = await enterprise_service.get_readable(session, principal, enterprise_id)
    product = await registry_service.get_product(session, product_id)
    rows = await session.execute(repository.ledger_batches(enterprise.id, product.id, season))
    batches = [_batch_line(tuple(row)) for row in rows]
    runs = await session.scalars(repository.print_runs(enterprise.id, product.id, season))
    approved = [b for b in batches if BatchStatus(b.status) in repository.APPROVED_ONCE]
    issued = [b for b in batches if BatchStatus(b.status) in BatchStatus.on_market()]
    return Ledger(
        enterprise_id=enterprise.id,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        product_id=product.id,
        product_name=product.name_zh,
        year=season,
        batches_requested=len(batches),
        batches_approved=len(approved),
        batches_issued=len(issued),
        labels_requested=sum(b.requested for b in batches),
        labels_issued=sum(b.issued for b in batches),
        labels_printed=sum(b.printed for b in batches),
        labels_spoiled=sum(b.spoiled for b in batches),
        labels_destroyed=sum(b.destroyed for b in batches),
        labels_voided=sum(b.voided for b in batches),
        labels_revoked=sum(b.revoked for b in batches),
        scans=sum(b.scans for b in batches),
        batches=batches,
        print_runs=[PrintRunRead.model_validate(run) for run in runs],
        generated_at=utcnow(),
    )
