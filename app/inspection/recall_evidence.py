"""What a batch recall may cite from this domain: an inspection, as ``app.label.recall_cause``
asks for it (label sits below inspection, so it is handed this look-up in ``app.main``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.inspection.models import Inspection, InspectionResult
from app.label.recall_cause import CitedInspection


async def cited_inspection(session: AsyncSession, inspection_id: int) -> CitedInspection | None:
    inspection = await session.get(Inspection, inspection_id)
    if inspection is None:
        return None
    failed = inspection.result is InspectionResult.FAIL
    return CitedInspection(inspection.batch_id, inspection.report_number, failed)
