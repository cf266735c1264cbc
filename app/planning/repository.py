"""The queries of planning: a plan's population, inspectors, conflicts and assignments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.core.principal import Role
from app.enterprise.models import Enterprise
from app.label.models import BatchStatus, LabelBatch
from app.licence.models import Licence, LicenceStatus
from app.planning.models import InspectionAssignment, InspectionPlan, InspectorConflict

# --- a plan's population --------------------------------------------------------------------


async def active_licences_with_uscc(
    session: AsyncSession,
    product_id: int,
    period_start: date,
    period_end: date,
    reach: Select[int] | None = None,
) -> list[tuple[Licence, str]]:
    """The product's active licences valid during the period, each with its enterprise's USCC
    (of the enterprises in ``reach``, where a jurisdiction limits the plan)."""
    query = (
        select(Licence, Enterprise.uscc)
        .join(Enterprise, Enterprise.id == Licence.enterprise_id)
        .where(
            Licence.product_id == product_id,
            Licence.status == LicenceStatus.ACTIVE,
            Licence.valid_from <= period_end,
            Licence.valid_until >= period_start,
        )
    )
    if reach is not None:
        query = query.where(Licence.enterprise_id.in_(reach))
    rows = await session.execute(query)
    return [(licence, uscc) for licence, uscc in rows]


async def batches_issued_between(
    session: AsyncSession,
    product_id: int,
    statuses: Sequence[BatchStatus],
    start: datetime,
    end: datetime,
    reach: Select[int] | None = None,
) -> list[tuple[LabelBatch, str | None, str]]:
    """The product's batches in ``statuses`` issued in [start, end), with licence number and
    enterprise USCC (of the enterprises in ``reach``, where a jurisdiction limits the plan)."""
    query = (
        select(LabelBatch, Licence.number, Enterprise.uscc)
        .join(Licence, Licence.id == LabelBatch.licence_id)
        .join(Enterprise, Enterprise.id == LabelBatch.enterprise_id)
        .where(
            LabelBatch.product_id == product_id,
            LabelBatch.status.in_(statuses),
            LabelBatch.issued_at >= start,
            LabelBatch.issued_at < end,
        )
    )
    if reach is not None:
        query = query.where(LabelBatch.enterprise_id.in_(reach))
    rows = await session.execute(query)
    return [(batch, number, uscc) for batch, number, uscc in rows]


# --- plans ----------------------------------------------------------------------------------


def plan_listing(product_id: int | None = None) -> Select[InspectionPlan]:
    query = select(InspectionPlan).order_by(InspectionPlan.id.desc())
    if product_id is not None:
        query = query.where(InspectionPlan.product_id == product_id)
    return query


# --- inspectors and their conflicts ---------------------------------------------------------


async def inspector_pool(session: AsyncSession) -> Sequence[User]:
    """Every active inspector, by name: whom a plan's pool may be chosen from."""
    query = (
        select(User)
        .where(User.role == Role.INSPECTOR, User.is_active.is_(True))
        .order_by(User.display_name, User.id)
    )
    return (await session.scalars(query)).all()


async def users_by_id(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, User]:
    return {u.id: u for u in await session.scalars(select(User).where(User.id.in_(user_ids)))}


async def conflict_pairs(
    session: AsyncSession, inspector_ids: Sequence[int]
) -> list[tuple[int, int]]:
    """(inspector, enterprise) of every conflict of the inspectors."""
    rows = await session.execute(
        select(InspectorConflict.inspector_id, InspectorConflict.enterprise_id).where(
            InspectorConflict.inspector_id.in_(inspector_ids)
        )
    )
    return [(inspector, enterprise) for inspector, enterprise in rows]


async def conflicts_of(
    session: AsyncSession, inspector_id: int, reach: Select[int] | None = None
) -> list[tuple[InspectorConflict, Enterprise]]:
    query = (
        select(InspectorConflict, Enterprise)
        .join(Enterprise, Enterprise.id == InspectorConflict.enterprise_id)
        .where(InspectorConflict.inspector_id == inspector_id)
        .order_by(Enterprise.name, Enterprise.id)
    )
    if reach is not None:
        query = query.where(InspectorConflict.enterprise_id.in_(reach))
    rows = await session.execute(query)
    return [(conflict, enterprise) for conflict, enterprise in rows]


# --- assignments ----------------------------------------------------------------------------


def _assignment_rows() -> Select[InspectionAssignment, str | None, str, Enterprise]:
    """Assignments with their target's licence number, lot number and enterprise (drawn or
    direct)."""
    licence_id = func.coalesce(InspectionAssignment.licence_id, LabelBatch.licence_id)
    return (
        select(InspectionAssignment, Licence.number, LabelBatch.lot_number, Enterprise)
        .outerjoin(LabelBatch, LabelBatch.id == InspectionAssignment.batch_id)
        .join(Licence, Licence.id == licence_id)
        .join(Enterprise, Enterprise.id == Licence.enterprise_id)
    )


def assignment_listing(
    inspector_id: int | None = None, plan_id: int | None = None
) -> Select[InspectionAssignment, str | None, str, Enterprise]:
    """Assignments with their targets, newest first, for ``paginate_rows``."""
    query = _assignment_rows().order_by(InspectionAssignment.id.desc())
    if inspector_id is not None:
        query = query.where(InspectionAssignment.inspector_id == inspector_id)
    if plan_id is not None:
        query = query.where(InspectionAssignment.plan_id == plan_id)
    return query


async def plan_assignment_rows(session: AsyncSession, plan_id: int) -> list[Any]:
    """A plan's assignments in draw order (rank, then the order inspectors were chosen)."""
    query = _assignment_rows().where(InspectionAssignment.plan_id == plan_id)
    order = (InspectionAssignment.draw_rank, InspectionAssignment.id)
    return list(await session.execute(query.order_by(*order)))


async def assignment_row(session: AsyncSession, assignment_id: int) -> Any:
    query = _assignment_rows().where(InspectionAssignment.id == assignment_id)
    return (await session.execute(query)).one()


async def standing_assignment_ids(
    session: AsyncSession, inspector_id: int, enterprise_id: int
) -> list[int]:
    """The inspector's assignments, drawn or direct, to the enterprise's licences and batches."""
    query = (
        _assignment_rows()
        .with_only_columns(InspectionAssignment.id)
        .where(InspectionAssignment.inspector_id == inspector_id)
        .where(Licence.enterprise_id == enterprise_id)
        .order_by(InspectionAssignment.id)
    )
    return list(await session.scalars(query))


async def same_assignment(
    session: AsyncSession, inspector_id: int, *, batch_id: int | None, licence_id: int | None
) -> int | None:
    """An assignment of the inspector to this batch (if given) or else to this licence."""
    query = select(InspectionAssignment.id).where(InspectionAssignment.inspector_id == inspector_id)
    if batch_id is not None:
        query = query.where(InspectionAssignment.batch_id == batch_id)
    else:
        query = query.where(InspectionAssignment.licence_id == licence_id)
    return await session.scalar(query.limit(1))


async def covering_assignment(
    session: AsyncSession, inspector_id: int, batch: LabelBatch
) -> InspectionAssignment | None:
    """The inspector's newest assignment to the batch or to its licence."""
    query = (
        select(InspectionAssignment)
        .where(
            InspectionAssignment.inspector_id == inspector_id,
            or_(
                InspectionAssignment.batch_id == batch.id,
                InspectionAssignment.licence_id == batch.licence_id,
            ),
        )
        .order_by(InspectionAssignment.id.desc())
        .limit(1)
    )
    return await session.scalar(query)


def assigned_batches(inspector_id: int, statuses: Sequence[BatchStatus]) -> Select[LabelBatch, str]:
    """The batches the inspector may sample now, with their enterprise's name, newest first:
    those assigned directly and those of a licence assigned (drawn or direct)."""
    mine = select(InspectionAssignment).where(InspectionAssignment.inspector_id == inspector_id)
    batch_ids = mine.with_only_columns(InspectionAssignment.batch_id).where(
        InspectionAssignment.batch_id.is_not(None)
    )
    licence_ids = mine.with_only_columns(InspectionAssignment.licence_id).where(
        InspectionAssignment.licence_id.is_not(None)
    )
    return (
        select(LabelBatch, Enterprise.name)
        .join(Enterprise, Enterprise.id == LabelBatch.enterprise_id)
        .where(or_(LabelBatch.id.in_(batch_ids), LabelBatch.licence_id.in_(licence_ids)))
        .where(LabelBatch.status.in_(statuses))
        .order_by(LabelBatch.id.desc())
    )
