"""Which batches an inspector may record results for: those assigned to them, directly or
through a drawn licence (an assignment to a licence covers that licence's batches)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.label.models import LabelBatch
from app.planning.models import InspectionAssignment


async def covering(
    session: AsyncSession, inspector_id: int, batch: LabelBatch
) -> InspectionAssignment | None:
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
