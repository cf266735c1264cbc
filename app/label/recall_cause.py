"""What a recall cites as its cause, checked before the recall is recorded and published.

A recall is a public sanction on an enterprise's goods: the notice must let anyone see why.
It cites a failing inspection of the very batch, a consumer report that exists, or a case
number (at least one), next to its legal basis; anything it cites must hold up.

The rule is the recall's, so it lives here; the evidence it checks does not: inspections and
consumer reports are kept by domains above this one, which import label (an inspection
suspends a batch, a report names a code). So they lend their look-ups through
:class:`Evidence`, handed over once by the composition root (``app.wiring``), and
the arrows between the folders keep pointing down.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound, Unprocessable
from app.core.principal import Principal
from app.label.models import LabelBatch
from app.label.schemas import RecallRequest


@dataclass(frozen=True)
class CitedInspection:
    """What a recall needs to know of an inspection it cites."""

    batch_id: int
    report_number: str  # the lab's: how the public identifies the inspection
    failed: bool


@dataclass(frozen=True)
class Evidence:
    """The look-ups a recall's cause is checked with."""

    # The inspection with this id, or None.
    inspection: Callable[[AsyncSession, int], Awaitable[CitedInspection | None]]
    # The consumer report with this id as the actor may read it; NotFound when there is none.
    report: Callable[[AsyncSession, Principal, int], Awaitable[object]]


_evidence: Evidence | None = None


def provide(evidence: Evidence) -> None:
    global _evidence
    _evidence = evidence


def _provided() -> Evidence:
    if _evidence is None:
        raise RuntimeError("no recall evidence: app.wiring.wire() provides it")
    return _evidence


@dataclass(frozen=True)
class RecallCause:
    inspection_id: int | None
    inspection_report_number: str | None
    report_id: int | None
    case_number: str | None

    def public(self) -> dict[str, Any]:
        """The citation as printed in the notice (the lab report number, not an internal id,
        identifies the inspection to the public; its own notice carries the same number)."""
        cited = {
            "inspection_report_number": self.inspection_report_number,
            "consumer_report_id": self.report_id,
        }
        return {key: value for key, value in cited.items() if value is not None}


async def _failing_inspection_of(
    session: AsyncSession, batch: LabelBatch, inspection_id: int
) -> CitedInspection:
    inspection = await _provided().inspection(session, inspection_id)
    if inspection is None or inspection.batch_id != batch.id:
        raise Unprocessable(
            f"inspection {inspection_id} is not an inspection of batch {batch.id}",
            field="inspection_id",
        )
    if not inspection.failed:
        raise Unprocessable(
            f"inspection {inspection_id} ({inspection.report_number}) passed; a recall cites "
            "a failing inspection",
            field="inspection_id",
        )
    return inspection


async def check(
    session: AsyncSession, actor: Principal, batch: LabelBatch, request: RecallRequest
) -> RecallCause:
    report_number = None
    if request.inspection_id is not None:
        inspection = await _failing_inspection_of(session, batch, request.inspection_id)
        report_number = inspection.report_number
    if request.report_id is not None:
        try:
            await _provided().report(session, actor, request.report_id)
        except NotFound as exc:
            raise Unprocessable(
                f"consumer report {request.report_id} does not exist", field="report_id"
            ) from exc
    return RecallCause(request.inspection_id, report_number, request.report_id, request.case_number)
