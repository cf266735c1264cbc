"""A batch's standing after issue: suspended while a failed inspection is reviewed, then
cleared (back to good standing) or recalled (irreversible, published).

Each act is one ``BatchMeasure`` row and one audited transition in the caller's transaction:
``app.audit.transition`` moves the trust epoch (so no verification after the commit can still
say ``genuine``) and publishes the recall's notice.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import snapshot
from app.audit.transition import record_transition
from app.core import notices
from app.core.errors import NotFound, require_state
from app.core.principal import SYSTEM, Principal
from app.enterprise import service as enterprise_service
from app.label import recall_cause, repository
from app.label.models import BatchMeasure, BatchMeasureKind, BatchStatus, LabelBatch
from app.label.schemas import RecallRequest
from app.licence import service as licence_service
from app.registry import service as registry_service


async def get_batch_for_update(
    session: AsyncSession, actor: Principal, batch_id: int
) -> LabelBatch:
    """Row-locked on PostgreSQL, so two regulators acting at once take turns; re-read even if
    the session already holds the batch, so the state checked is the one the last actor left.
    Scoped to ``actor`` (a bureau acts in its jurisdiction only): else the 404 of a stranger's."""
    batch = await session.scalar(repository.readable_batch(actor, batch_id, for_update=True))
    if batch is None:
        raise NotFound(f"label batch {batch_id} not found")
    return batch


async def _act(
    session: AsyncSession,
    actor: Principal,
    batch: LabelBatch,
    kind: BatchMeasureKind,
    to: BatchStatus,
    reason: str,
    *,
    inspection_id: int | None = None,
    report_id: int | None = None,
    legal_basis: str | None = None,
    case_number: str | None = None,
    about: notices.Subject | None = None,
) -> BatchMeasure:
    """Record the measure and the batch's new status; ``about`` is the public notice's subject
    when the measure publishes one (a recall: the notice is filed under the measure)."""
    before = snapshot(batch, "status")
    batch.status = to
    measure = BatchMeasure(
        batch_id=batch.id,
        kind=kind,
        inspection_id=inspection_id,
        report_id=report_id,
        reason=reason,
        legal_basis=legal_basis,
        case_number=case_number,
        acted_by_id=actor.user_id,
    )
    session.add(measure)
    await session.flush()
    cited = {"inspection_id": inspection_id, "report_id": report_id, "case_number": case_number}
    after = snapshot(batch, "status") | cited | {"legal_basis": legal_basis}
    await record_transition(
        session,
        actor,
        f"batch.{kind.value}",
        "label_batch",
        batch.id,
        before=before,
        after=after,
        reason=reason,
        about=about,
        notice_subject_id=measure.id,
        against=batch.enterprise_id,
    )
    return measure


async def suspend(
    session: AsyncSession,
    actor: Principal,
    batch: LabelBatch,
    reason: str,
    *,
    inspection_id: int | None = None,
) -> BatchMeasure:
    """Take an issued batch out of the public's trust while it is investigated."""
    require_state(f"batch {batch.id}", batch.status, BatchStatus.ISSUED)
    return await _act(
        session,
        actor,
        batch,
        BatchMeasureKind.SUSPEND,
        BatchStatus.SUSPENDED,
        reason,
        inspection_id=inspection_id,
    )


async def clear(
    session: AsyncSession, actor: Principal, batch_id: int, reason: str
) -> BatchMeasure:
    """End a suspension: the investigation found the batch fit to stay on the market."""
    batch = await get_batch_for_update(session, actor, batch_id)
    require_state(f"batch {batch.id}", batch.status, BatchStatus.SUSPENDED)
    return await _act(session, actor, batch, BatchMeasureKind.CLEAR, BatchStatus.ISSUED, reason)


async def recall(
    session: AsyncSession, actor: Principal, batch_id: int, request: RecallRequest
) -> BatchMeasure:
    """Confirm the failure: the batch is recalled for good, and the recall is published with
    its legal basis and the cause it cites (``recall_cause``)."""
    batch = await get_batch_for_update(session, actor, batch_id)
    require_state(f"batch {batch.id}", batch.status, BatchStatus.SUSPENDED)
    cause = await recall_cause.check(session, actor, batch, request)
    grounds = {"legal_basis": request.legal_basis, "case_number": cause.case_number}
    about = await batch_subject(session, batch, request.reason, **grounds)
    about.detail["cause"] = cause.public()
    return await _act(
        session,
        actor,
        batch,
        BatchMeasureKind.RECALL,
        BatchStatus.RECALLED,
        request.reason,
        inspection_id=cause.inspection_id,
        report_id=cause.report_id,
        about=about,
        **grounds,
    )


async def batch_subject(
    session: AsyncSession,
    batch: LabelBatch,
    reason: str | None = None,
    **fields: str | None,
) -> notices.Subject:
    """The public facts of a batch, for a notice about it (read as the system: a notice shows
    the same facts whoever's act publishes it)."""
    licence = await licence_service.get(session, batch.licence_id)
    return notices.Subject(
        product=await registry_service.get_product(session, batch.product_id),
        enterprise=await enterprise_service.get_readable(session, SYSTEM, batch.enterprise_id),
        licence_number=licence.number,
        lot_number=batch.lot_number,
        reason=reason,
        legal_basis=fields.get("legal_basis"),
        case_number=fields.get("case_number"),
        detail={
            "production_date": batch.production_date.isoformat(),
            "quantity": batch.quantity,
            "unit": batch.unit,
        },
    )


async def measures_of(session: AsyncSession, batch_id: int) -> list[BatchMeasure]:
    return list(await session.scalars(repository.measures_of(batch_id)))
