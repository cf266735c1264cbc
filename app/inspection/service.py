"""Recording sampling inspections against the GI standard.

An inspector records results only for batches assigned to them (directly or through a drawn
licence); regulators record for any batch. The result is computed from the product's limits
(``limits``). A pass is final and published at once; a failure suspends an issued batch in the
same transaction but is published only once final (``objections``: the enterprise's window to
object and ask for a re-test).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.transition import record_transition
from app.auth.models import User
from app.core.errors import Forbidden, NotFound, Unprocessable, require_state
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal, Role
from app.inspection import limits, objections, repository, results
from app.inspection.models import Inspection, InspectionResult, InspectionStage
from app.inspection.results import (
    as_read,
    items_read,
    notice_subject,
)
from app.inspection.schemas import InspectionCreate, InspectionRead
from app.label import standing
from app.label.models import LabelBatch
from app.planning import assignments, staffing
from app.planning.exceptions import InspectorConflicted
from app.registry import service as registry


async def record(session: AsyncSession, actor: Principal, data: InspectionCreate) -> InspectionRead:
    batch = await standing.get_batch_for_update(session, actor, data.batch_id)
    assignment_id, inspector_id = await _who_samples(session, actor, data, batch)
    require_state(f"batch {batch.id}", batch.status, *staffing.SAMPLED_BATCHES)
    if data.sampled_on < batch.production_date:
        raise Unprocessable(
            f"sampled on {data.sampled_on}, before the lot was produced ({batch.production_date})",
            field="sampled_on",
        )
    product = await registry.get_product(session, batch.product_id)
    verdicts = limits.judge(product.test_items, {m.item: m.value for m in data.items})
    result = InspectionResult.of(limits.overall(verdicts))
    inspection = Inspection(
        batch_id=batch.id,
        inspector_id=inspector_id,
        assignment_id=assignment_id,
        sample_id=data.sample_id,
        sampled_on=data.sampled_on,
        sampling_place=data.sampling_place,
        lab=data.lab,
        report_number=data.report_number,
        result=result,
        recorded_by_id=actor.user_id,
    )
    items = await results.store(session, inspection, verdicts)
    if result is InspectionResult.FAIL:
        # Not published yet: the enterprise may object and ask for a re-test first.
        await objections.open_window(session, actor, batch, inspection, verdicts)
        return as_read(inspection, items, batch.status)
    # A pass is final at once. The verify page shows the latest final result, so the record
    # bumps the trust epoch (EFFECTS) and publishes the notice.
    after = audit.snapshot(inspection, "batch_id", "report_number", "result", "sampled_on", "lab")
    await record_transition(
        session,
        actor,
        "inspection.record",
        "inspection",
        inspection.id,
        after=after,
        about=await notice_subject(session, batch, inspection, items),
    )
    return as_read(inspection, items, batch.status)


async def _who_samples(
    session: AsyncSession, actor: Principal, data: InspectionCreate, batch: LabelBatch
) -> tuple[int | None, int | None]:
    """(assignment, inspector) of the sample; an inspector must hold an assignment and
    must not be conflicted with the enterprise (a conflict declared after the draw counts)."""
    if actor.role is Role.INSPECTOR:
        if data.inspector_id not in (None, actor.id):
            raise Forbidden("an inspector records only their own samples")
        assignment = await assignments.covering(session, actor.id or 0, batch)
        if assignment is None:
            # The same 404 as a batch that does not exist: an inspector learns nothing about
            # which batch ids exist beyond their own assignments.
            raise NotFound(f"label batch {batch.id} not found")
        await _refuse_conflicted(session, actor.id or 0, batch)
        return assignment.id, actor.id
    if data.inspector_id is None:
        return None, None
    inspector = await session.get(User, data.inspector_id)
    if inspector is None or inspector.role is not Role.INSPECTOR:
        raise Unprocessable(f"user {data.inspector_id} is not an inspector", field="inspector_id")
    await _refuse_conflicted(session, inspector.id, batch)
    assignment = await assignments.covering(session, inspector.id, batch)
    return (assignment.id if assignment else None), inspector.id


async def _refuse_conflicted(session: AsyncSession, inspector_id: int, batch: LabelBatch) -> None:
    if await staffing.conflicted(session, inspector_id, batch.enterprise_id):
        raise InspectorConflicted(
            f"inspector {inspector_id} is marked as conflicted with this batch's enterprise"
        )


async def get(session: AsyncSession, actor: Principal, inspection_id: int) -> InspectionRead:
    inspection = await session.scalar(repository.readable_inspection(actor, inspection_id))
    if inspection is None:
        raise NotFound(f"inspection {inspection_id} not found")
    return as_read(inspection, await items_read(session, inspection.id))


async def require_exists(session: AsyncSession, inspection_id: int) -> Inspection:
    """The inspection, for another domain citing it (a report, a recall); 404 if none."""
    inspection = await session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound(f"inspection {inspection_id} not found")
    return inspection


async def list_readable(
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    batch_id: int | None = None,
    result: InspectionResult | None = None,
    stage: InspectionStage | None = None,
) -> tuple[Sequence[Inspection], int]:
    query = repository.inspection_listing(actor, batch_id, result, stage)
    return await paginate(session, query, page)
