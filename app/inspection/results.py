"""An inspection as it is read and published: its items with the limits stored with them,
and the subject of its public notice (shared by the first record and by ``objections``)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import notices
from app.core.errors import Conflict
from app.inspection import limits, repository
from app.inspection.models import Inspection, InspectionItem
from app.inspection.schemas import InspectionRead, ItemResultRead
from app.label import standing
from app.label.models import BatchStatus, LabelBatch
from app.registry import service as registry
from app.registry.models import TestItem


async def notice_subject(
    session: AsyncSession, batch: LabelBatch, inspection: Inspection, items: list[ItemResultRead]
) -> notices.Subject:
    """What the inspection's public notice says: the batch, the result and every item, with
    the limits stored with them (those in force when the sample was judged)."""
    about = await standing.batch_subject(session, batch)
    about.report_number, about.result = inspection.report_number, inspection.result.value
    about.detail |= {
        "sampled_on": inspection.sampled_on.isoformat(),
        "lab": inspection.lab,
        "items": [item.model_dump(mode="json") for item in items],
    }
    return about


def stored_item(inspection_id: int, verdict: limits.ItemVerdict) -> InspectionItem:
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


def item_read(item: TestItem, stored: InspectionItem) -> ItemResultRead:
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


def as_read(
    inspection: Inspection, items: list[ItemResultRead], batch_status: BatchStatus | None = None
) -> InspectionRead:
    read = InspectionRead.model_validate(inspection)
    read.items = items
    read.batch_status = batch_status.value if batch_status else None
    return read


async def items_read(session: AsyncSession, inspection_id: int) -> list[ItemResultRead]:
    """The stored items of an inspection, in the order the product defines them."""
    stored = sorted(await repository.items_of(session, inspection_id), key=_test_item_id)
    names = await registry.test_items_by_id(session, [row.test_item_id for row in stored])
    return [item_read(names[row.test_item_id], row) for row in stored]


def _test_item_id(stored: InspectionItem) -> int:
    return stored.test_item_id  # the order the product defines its items in


async def store(
    session: AsyncSession, inspection: Inspection, verdicts: list[limits.ItemVerdict]
) -> list[ItemResultRead]:
    """Adds the inspection (refusing a report number already recorded) and its items, each
    with the limits it was judged against; returns the items as read."""
    session.add(inspection)
    await flush_refusing_duplicate(session, inspection.report_number)
    stored = [stored_item(inspection.id, v) for v in verdicts]
    session.add_all(stored)
    return [item_read(v.item, row) for v, row in zip(verdicts, stored, strict=True)]


async def flush_refusing_duplicate(session: AsyncSession, report_number: str) -> None:
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
