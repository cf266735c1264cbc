"""Annual coverage: the programme requires every batch to be sampled each year and to pass.

The report names what is still missing this year: batches issued this year with no passing
inspection, and licensed enterprises none of whose batches was sampled this year.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import public_zone
from app.enterprise.models import Enterprise
from app.inspection.models import Inspection, InspectionResult
from app.inspection.schemas import CoverageBatch, CoverageEnterprise, CoverageReport
from app.label.models import BatchStatus, LabelBatch
from app.licence.models import Licence
from app.registry.models import GIProduct


async def annual(session: AsyncSession, year: int, product_id: int | None) -> CoverageReport:
    # The programme's year is the GI's calendar year, as the sampling dates are.
    start = datetime(year, 1, 1, tzinfo=public_zone())
    end = datetime(year + 1, 1, 1, tzinfo=public_zone())
    issued = and_(
        LabelBatch.status.in_(BatchStatus.on_market()),
        LabelBatch.issued_at >= start,
        LabelBatch.issued_at < end,
    )
    if product_id is not None:
        issued = and_(issued, LabelBatch.product_id == product_id)
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
    missing = [
        CoverageBatch(
            batch_id=batch.id,
            lot_number=batch.lot_number,
            enterprise_name=name,
            uscc=uscc,
            product_code=code,
            issued_at=batch.issued_at,
            status=batch.status.value,
            latest_result=result,
        )
        for batch, name, uscc, code, result in rows
    ]
    batches_issued = await session.scalar(select(func.count()).where(issued))
    licensed, unsampled = await _enterprises(session, year, product_id)
    return CoverageReport(
        year=year,
        product_id=product_id,
        batches_issued=int(batches_issued or 0),
        batches_without_pass=missing,
        enterprises_licensed=licensed,
        enterprises_not_sampled=unsampled,
    )


async def _enterprises(
    session: AsyncSession, year: int, product_id: int | None
) -> tuple[int, list[CoverageEnterprise]]:
    """Enterprises holding an active licence, and those with no sample taken this year."""
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
    unsampled = [CoverageEnterprise(enterprise_id=i, name=n, uscc=u) for i, n, u in rows]
    return int(total or 0), unsampled
