"""A batch's way to issue (and beyond), as the licensee follows it: the steps in order, each
done (with its time) or still ahead, then the regulator's measures on its standing. Read from
the batch's own columns and its measures (``app.label.standing``), not from the audit trail,
which a licensee may not read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.label import standing
from app.label.models import BatchStatus, LabelBatch

Words = tuple[str, str]  # (Chinese, English)

MEASURES: dict[str, Words] = {
    "suspend": ("暂停使用", "Suspended"),
    "clear": ("恢复使用", "Cleared"),
    "recall": ("召回", "Recalled"),
}


@dataclass(frozen=True, slots=True)
class Step:
    words: Words
    at: datetime | None
    done: bool
    note: str | None = None


def _decision(batch: LabelBatch) -> Step:
    if batch.status is BatchStatus.REJECTED:
        return Step(("未获批准", "Rejected"), batch.decided_at, True, batch.decision_reason)
    approved = batch.status not in (BatchStatus.REQUESTED, BatchStatus.REJECTED)
    return Step(("已批准", "Approved"), batch.decided_at, approved)


async def steps(session: AsyncSession, batch: LabelBatch) -> list[Step]:
    """Requested → approved (or rejected) → issued, then any suspension, clearance, recall.
    A step is done by the batch's state, which is what the services keep exact."""
    line = [Step(("已申请", "Requested"), batch.created_at, True), _decision(batch)]
    if batch.status is not BatchStatus.REJECTED:
        issued = batch.status in BatchStatus.on_market()
        line.append(Step(("已发码", "Issued"), batch.issued_at, issued))
    for measure in await standing.measures_of(session, batch.id):
        line.append(Step(MEASURES[measure.kind.value], measure.acted_at, True, measure.reason))
    return line
