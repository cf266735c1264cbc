"""The queries of inspections: the one place that scopes them to the caller, and the annual
coverage report.

Scoping a licensee's inspections and the coverage report are read-only joins with the label
batch, licence, enterprise and product tables: a report over five tables is one query here
rather than five services' worth of round trips. Nothing here writes another domain's rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.core.organisations import Organisation
from app.core.principal import OrgKind, Principal, Role
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.inspection.models import (
    Inspection,
    InspectionItem,
    InspectionObjection,
    InspectionResult,
    InspectionStage,
    Notification,
)
from app.label.models import BatchStatus, LabelBatch
from app.licence.models import Licence
from app.registry.models import GIProduct


def readable_inspections(principal: Principal) -> Select[Inspection]:
    """Admins see every inspection, a bureau those of its jurisdiction's batches; inspectors
    their own (and those they re-test); licensees those of their batches."""
    query = select(Inspection)
    if principal.is_licensee:
        query = query.join(LabelBatch, LabelBatch.id == Inspection.batch_id).where(
            LabelBatch.enterprise_id == principal.enterprise_id
        )
    elif principal.role is Role.INSPECTOR:
        # Their own samples, and the first results of the re-tests assigned to them.
        retesting = exists().where(
            InspectionObjection.inspection_id == Inspection.id,
            InspectionObjection.retest_inspector_id == principal.id,
        )
        query = query.where(or_(Inspection.inspector_id == principal.id, retesting))
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.join(LabelBatch, LabelBatch.id == Inspection.batch_id).where(
            LabelBatch.enterprise_id.in_(reach)
        )
    return query


def readable_inspection(principal: Principal, inspection_id: int) -> Select[Inspection]:
    return readable_inspections(principal).where(Inspection.id == inspection_id)


def inspection_listing(
    principal: Principal,
    batch_id: int | None,
    result: InspectionResult | None,
    stage: InspectionStage | None = None,
) -> Select[Inspection]:
    """The caller's inspections, latest sample first, for ``paginate``."""
    query = readable_inspections(principal).order_by(
        Inspection.sampled_on.desc(), Inspection.id.desc()
    )
    if batch_id is not None:
        query = query.where(Inspection.batch_id == batch_id)
    if result is not None:
        query = query.where(Inspection.result == result)
    if stage is not None:
        query = query.where(Inspection.stage == stage)
    return query


async def id_by_report_number(session: AsyncSession, report_number: str) -> int | None:
    query = select(Inspection.id).where(Inspection.report_number == report_number)
    found: int | None = await session.scalar(query)
    return found


async def items_of(session: AsyncSession, inspection_id: int) -> list[InspectionItem]:
    query = select(InspectionItem).where(InspectionItem.inspection_id == inspection_id)
    return list(await session.scalars(query))


# --- objection and re-test (``app.inspection.objections``) -------------------------------------


def _locked(query: Select[Any]) -> Select[Any]:
    return query.with_for_update().execution_options(populate_existing=True)


def readable_inspection_for_update(principal: Principal, inspection_id: int) -> Select[Inspection]:
    """The inspection as the caller may read it, row-locked (PostgreSQL): a filed objection
    and the job closing the window take turns."""
    query = readable_inspection(principal, inspection_id).with_for_update(of=Inspection)
    return query.execution_options(populate_existing=True)


def inspection_for_update(inspection_id: int) -> Select[Inspection]:
    return _locked(select(Inspection).where(Inspection.id == inspection_id))


async def objection_of(session: AsyncSession, inspection_id: int) -> InspectionObjection | None:
    query = select(InspectionObjection).where(InspectionObjection.inspection_id == inspection_id)
    found: InspectionObjection | None = await session.scalar(query)
    return found


async def expired_windows(session: AsyncSession, today: date) -> list[Inspection]:
    """Failing results still provisional after their window's last day, locked, oldest first."""
    query = (
        select(Inspection)
        .where(
            Inspection.stage == InspectionStage.PROVISIONAL,
            Inspection.objection_deadline < today,
        )
        .order_by(Inspection.id)
    )
    return list(await session.scalars(_locked(query)))


def _accredited_laboratory_inspectors() -> Select[User, Organisation]:
    return (
        select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(
            User.role == Role.INSPECTOR,
            User.is_active.is_(True),
            Organisation.kind == OrgKind.LABORATORY,
            Organisation.accreditation_number.is_not(None),
        )
    )


async def retest_laboratories(
    session: AsyncSession, excluded_users: list[int], excluded_organisations: set[int]
) -> list[tuple[User, Organisation]]:
    """Active inspectors of accredited laboratories other than the excluded ones, by
    laboratory and name: where a re-test may go."""
    query = (
        _accredited_laboratory_inspectors()
        .where(
            User.id.not_in(excluded_users),
            Organisation.id.not_in(excluded_organisations),
        )
        .order_by(Organisation.name_zh, User.display_name, User.id)
    )
    return [(user, organisation) for user, organisation in await session.execute(query)]


async def laboratory_inspector(
    session: AsyncSession, user_id: int
) -> tuple[User, Organisation] | None:
    """The user, if an active inspector of an accredited laboratory, with the laboratory."""
    row = (
        await session.execute(_accredited_laboratory_inspectors().where(User.id == user_id))
    ).first()
    return None if row is None else (row[0], row[1])


async def organisations_of(session: AsyncSession, user_ids: list[int]) -> set[int]:
    """The organisations the users work for (the laboratory of a first result)."""
    query = select(User.organisation_id).where(
        User.id.in_(user_ids), User.organisation_id.is_not(None)
    )
    return {org for org in await session.scalars(query) if org is not None}


def objection_listing(principal: Principal) -> Select[InspectionObjection, Inspection, str]:
    """(objection, inspection, lot number) the caller may see: a licensee its enterprise's, an
    inspector the re-tests assigned to them, staff all; newest first."""
    query = (
        select(InspectionObjection, Inspection, LabelBatch.lot_number)
        .join(Inspection, Inspection.id == InspectionObjection.inspection_id)
        .join(LabelBatch, LabelBatch.id == Inspection.batch_id)
        .order_by(InspectionObjection.id.desc())
    )
    if principal.is_licensee:
        query = query.where(LabelBatch.enterprise_id == principal.enterprise_id)
    elif principal.role is Role.INSPECTOR:
        query = query.where(InspectionObjection.retest_inspector_id == principal.id)
    return query


def notification_listing(principal: Principal) -> Select[Notification]:
    query = select(Notification).order_by(Notification.id.desc())
    if principal.is_licensee:
        query = query.where(Notification.enterprise_id == principal.enterprise_id)
    return query


def pending_windows() -> Select[Inspection, str, str]:
    """(inspection, lot number, enterprise name) of every failing result not yet final."""
    return (
        select(Inspection, LabelBatch.lot_number, Enterprise.name)
        .join(LabelBatch, LabelBatch.id == Inspection.batch_id)
        .join(Enterprise, Enterprise.id == LabelBatch.enterprise_id)
        .where(Inspection.stage.in_([InspectionStage.PROVISIONAL, InspectionStage.OBJECTED]))
        .order_by(Inspection.objection_deadline, Inspection.id)
    )


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
