"""The queries of inspections: the one place that scopes them to the caller, and the annual
coverage report.

Scoping a licensee's inspections and the coverage report are read-only joins with the label
batch, licence, enterprise and product tables: a report over five tables is one query here
rather than five services' worth of round trips. Nothing here writes another domain's rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal, Role
from app.enterprise.models import Enterprise
from app.inspection.models import Inspection, InspectionItem, InspectionResult
from app.label.models import BatchStatus, LabelBatch
from app.licence.models import Licence
from app.registry.models import GIProduct


def readable_inspections(principal: Principal) -> Select[Inspection]:
    """Staff see every inspection; inspectors their own; licensees those of their batches."""
    query = select(Inspection)
    if principal.is_licensee:
        query = query.join(LabelBatch, LabelBatch.id == Inspection.batch_id).where(
            LabelBatch.enterprise_id == principal.enterprise_id
        )
    elif principal.role is Role.INSPECTOR:
        query = query.where(Inspection.inspector_id == principal.id)
    return query


def readable_inspection(principal: Principal, inspection_id: int) -> Select[Inspection]:
    return readable_inspections(principal).where(Inspection.id == inspection_id)


def inspection_listing(
    principal: Principal, batch_id: int | None, result: InspectionResult | None
) -> Select[Inspection]:
    """The caller's inspections, latest sample first, for ``paginate``."""
    query = readable_inspections(principal).order_by(
        Inspection.sampled_on.desc(), Inspection.id.desc()
    )
    if batch_id is not None:
        query = query.where(Inspection.batch_id == batch_id)
    if result is not None:
        query = query.where(Inspection.result == result)
    return query


async def id_by_report_number(session: AsyncSession, report_number: str) -> int | None:
    query = select(Inspection.id).where(Inspection.report_number == report_number)
    found: int | None = await session.scalar(query)
    return found


async def items_of(session: AsyncSession, inspection_id: int) -> list[InspectionItem]:
    query = select(InspectionItem).where(InspectionItem.inspection_id == inspection_id)
    return list(await session.scalars(query))


# --- annual coverage ------------------------------------------------------------------------


def issued_between(start: datetime, end: datetime, product_id: int | None) -> ColumnElement[bool]:
    """Batches issued in [start, end) (of the product, if given), whatever became of them."""
    issued = and_(
        LabelBatch.status.in_(BatchStatus.on_market()),
        LabelBatch.issued_at >= start,
        LabelBatch.issued_at < end,
    )
    if product_id is not None:
        issued = and_(issued, LabelBatch.product_id == product_id)
    return issued


async def count_batches(session: AsyncSession, issued: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count()).where(issued)) or 0)


async def batches_without_pass(
    session: AsyncSession, issued: ColumnElement[bool]
) -> list[tuple[Any, ...]]:
    """(batch, enterprise name, USCC, product code, latest result) of the issued batches with
    no passing inspection, in the order they were issued."""
    latest_result = (
        select(Inspection.result)
        .where(Inspection.batch_id == LabelBatch.id)
        .order_by(Inspection.sampled_on.desc(), Inspection.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    has_pass = exists().where(
        Inspection.batch_id == LabelBatch.id, Inspection.result == InspectionResult.PASS
    )
    rows = await session.execute(
        select(LabelBatch, Enterprise.name, Enterprise.uscc, GIProduct.code, latest_result)
        .join(Enterprise, Enterprise.id == LabelBatch.enterprise_id)
        .join(GIProduct, GIProduct.id == LabelBatch.product_id)
        .where(issued, ~has_pass)
        .order_by(LabelBatch.issued_at, LabelBatch.id)
    )
    return [tuple(row) for row in rows]


async def licensed_enterprises(
    session: AsyncSession, year: int, product_id: int | None
) -> tuple[int, list[tuple[int, str, str]]]:
    """How many enterprises hold a licence in force (for the product, if given), and (id,
    name, USCC) of those none of whose batches was sampled in ``year``."""
    licence_filter = [Licence.in_force_sql()]
    batch_filter = [LabelBatch.enterprise_id == Enterprise.id]
    if product_id is not None:
        licence_filter.append(Licence.product_id == product_id)
        batch_filter.append(LabelBatch.product_id == product_id)
    licensed = exists().where(Licence.enterprise_id == Enterprise.id, *licence_filter)
    sampled = exists().where(
        Inspection.batch_id == LabelBatch.id,
        Inspection.sampled_on >= date(year, 1, 1),
        Inspection.sampled_on < date(year + 1, 1, 1),
        *batch_filter,
    )
    total = await session.scalar(select(func.count()).select_from(Enterprise).where(licensed))
    rows = await session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.uscc)
        .where(licensed, ~sampled)
        .order_by(Enterprise.name)
    )
    return int(total or 0), [(i, n, u) for i, n, u in rows]
