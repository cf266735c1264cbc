"""What a batch recall may cite from this domain: an inspection, as ``app.label.recall_cause``
asks for it (label sits below inspection, so it is handed this look-up in ``app.main``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import InvalidState
from app.inspection.models import Inspection, InspectionResult, InspectionStage
from app.label.recall_cause import CitedInspection


async def cited_inspection(session: AsyncSession, inspection_id: int) -> CitedInspection | None:
    inspection = await session.get(Inspection, inspection_id)
    if inspection is None:
        return None
    if inspection.stage is not InspectionStage.FINAL:
        # Citing it would publish a result the enterprise may still object to, or one a
        # re-test has decided (cite the re-test).
        raise InvalidState(
            f"inspection {inspection_id} ({inspection.report_number}) is not a final result",
            current_state=inspection.stage,
            objection_deadline=str(inspection.objection_deadline),
        )
    failed = inspection.result is InspectionResult.FAIL
    return CitedInspection(inspection.batch_id, inspection.report_number, failed)
