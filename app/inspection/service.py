"""Recording sampling inspections against the GI standard.

An inspector records results only for batches assigned to them (directly or through a drawn
licence); regulators record for any batch. The result is computed from the product's limits
(``limits``). A failing result suspends an issued batch in the same transaction, and every
result is published as a notice.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.transition import record_transition
from app.auth.models import User
from app.core import notices
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable, require_state
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal, Role
from app.inspection import limits, repository
from app.inspection.models import Inspection, InspectionItem, InspectionResult
from app.inspection.schemas import InspectionCreate, InspectionRead, ItemResultRead
from app.label import standing
from app.label.models import BatchStatus, LabelBatch
from app.planning import assignments, staffing
from app.planning.exceptions import InspectorConflicted
from app.registry import service as registry
from app.registry.models import TestItem


async def record(session: AsyncSession, actor: Principal, data: InspectionCreate) -> InspectionRead:
    batch = await standing.get_batch_for_update(session, data.batch_id)
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
    session.add(inspection)
    await _flush_refusing_duplicate(session, data.report_number)
    stored = [_stored_item(inspection.id, v) for v in verdicts]
    session.add_all(stored)
    items = [_item_read(v.item, row) for v, row in zip(verdicts, stored, strict=True)]
    # Recorded (and published) before a failure suspends the batch, as the ledger has always
    # read: the result, then the measure it led to. The verify page shows the latest result,
    # so the record bumps the trust epoch whatever the outcome.
    after = audit.snapshot(inspection, "batch_id", "report_number", "result", "sampled_on", "lab")
    await record_transition(
        session,
        actor,
        "inspection.record",
        "inspection",
        inspection.id,
        after=after,
        about=await _notice_subject(session, batch, inspection, items),
    )
    if result is InspectionResult.FAIL and batch.status is BatchStatus.ISSUED:
        failed = ", ".join(v.item.code for v in verdicts if not v.passed)
        await standing.suspend(
            session,
            actor,
            batch,
            f"inspection {data.report_number} failed: {failed}",
            inspection_id=inspection.id,
        )
    return _read(inspection, items, batch.status)


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


async def _flush_refusing_duplicate(session: AsyncSession, report_number: str) -> None:
    exists = await repository.id_by_report_number(session, report_number)
    if exists is not None:
        raise Conflict(
            f"report {report_number} is already recorded",
            field="report_number",
            inspection_id=exists,
        )
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:  # a concurrent recording of the same report won the race
        raise Conflict(
            f"report {report_number} is already recorded", field="report_number"
        ) from exc


async def _notice_subject(
    session: AsyncSession, batch: LabelBatch, inspection: Inspection, items: list[ItemResultRead]
) -> notices.Subject:
    """What the inspection's public notice says: the batch, the result and every item."""
    about = await standing.batch_subject(session, batch)
    about.report_number, about.result = inspection.report_number, inspection.result.value
    about.detail |= {
        "sampled_on": inspection.sampled_on.isoformat(),
        "lab": inspection.lab,
        "items": [item.model_dump(mode="json") for item in items],
    }
    return about


def _stored_item(inspection_id: int, verdict: limits.ItemVerdict) -> InspectionItem:
    """The measured value with a copy of the limits it was judged against, so that a later
    edit of the standard's limits never changes what this inspection shows."""
    item = verdict.item
    return InspectionItem(
        inspection_id=inspection_id,
        test_item_id=item.id,
        measured_value=verdict.value,
        passed=verdict.passed,
        min_value=item.min_value,
        max_value=item.max_value,
        unit=item.unit,
        method=item.method,
        decimals=limits.reported_places(verdict.value),
    )


def _item_read(item: TestItem, stored: InspectionItem) -> ItemResultRead:
    """Names from the test item; value, limits, unit, method and verdict as stored."""
    return ItemResultRead(
        item=item.code,
        name_zh=item.name_zh,
        name_en=item.name_en,
        unit=stored.unit,
        value=stored.measured_value,
        min_value=stored.min_value,
        max_value=stored.max_value,
        method=stored.method,
        decimals=stored.decimals,
        passed=stored.passed,
    )


def _read(
    inspection: Inspection, items: list[ItemResultRead], batch_status: BatchStatus | None = None
) -> InspectionRead:
    read = InspectionRead.model_validate(inspection)
    read.items = items
    read.batch_status = batch_status.value if batch_status else None
    return read


async def get(session: AsyncSession, actor: Principal, inspection_id: int) -> InspectionRead:
    inspection = await session.scalar(repository.readable_inspection(actor, inspection_id))
    if inspection is None:
        raise NotFound(f"inspection {inspection_id} not found")
    stored = sorted(await repository.items_of(session, inspection.id), key=_test_item_id)
    names = await registry.test_items_by_id(session, [row.test_item_id for row in stored])
    items = [_item_read(names[row.test_item_id], row) for row in stored]
    return _read(inspection, items)


def _test_item_id(stored: InspectionItem) -> int:
    return stored.test_item_id  # the order the product defines its items in


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
) -> tuple[Sequence[Inspection], int]:
    query = repository.inspection_listing(actor, batch_id, result)
    return await paginate(session, query, page)
