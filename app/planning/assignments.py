"""Which batches an inspector may record results for: those assigned to them, directly or
through a drawn licence (an assignment to a licence covers that licence's batches)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.label.models import LabelBatch
from app.planning import repository
from app.planning.models import InspectionAssignment


async def covering(
    session: AsyncSession, inspector_id: int, batch: LabelBatch
) -> InspectionAssignment | None:
    return await repository.covering_assignment(session, inspector_id, batch)
