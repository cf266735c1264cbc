"""What an overview (the console's dashboard) counts of the caller's batches and labels,
scoped by the repository's ``readable_*`` like every other read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.label import repository
from app.label.models import BatchStatus, LabelBatch


@dataclass(frozen=True, slots=True)
class ScanSummary:
    scans: int
    labels_scanned: int
    suspicious: int


async def batch_counts(session: AsyncSession, principal: Principal) -> dict[BatchStatus, int]:
    """Every state, in the enum's order, with 0 where the caller has no such batch."""
    rows = await session.execute(repository.batch_status_counts(principal))
    found = {BatchStatus(status): int(count) for status, count in rows}
    return {status: found.get(status, 0) for status in BatchStatus}


async def latest_batches(
    session: AsyncSession, principal: Principal, limit: int = 5
) -> list[LabelBatch]:
    return list(await session.scalars(repository.latest_batches(principal, limit)))


async def scan_summary(session: AsyncSession, principal: Principal) -> ScanSummary:
    row = (await session.execute(repository.scan_totals(principal))).one()
    scans, scanned, suspicious = (int(value or 0) for value in row)
    return ScanSummary(scans=scans, labels_scanned=scanned, suspicious=suspicious)


@dataclass(frozen=True, slots=True)
class KeyUse:
    batches: int
    labels: int


async def use_by_key_id(session: AsyncSession) -> dict[str, KeyUse]:
    """How many batches and labels each label-key id signed, over every enterprise (for the
    admin's label-key page; the ids only, the secrets never leave the settings)."""
    rows = await session.execute(repository.issued_by_key_id())
    return {str(key_id): KeyUse(int(batches), int(labels)) for key_id, batches, labels in rows}
