"""What a revocation (``app.revocation``) does to labels and batches, done by the label
domain that owns them: revoking still-active labels in one set-based UPDATE, restoring them on
a reversal, and taking a batch off the market (``batch.revoke`` / ``batch.unrevoke``).

A revoked label remembers the revocation that revoked it (``Label.revocation_id``), so a
reversal restores exactly those labels, and none voided or revoked since by another act. The
revocation records its own transition (audit, trust epoch, notice); the batch acts here record
theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core.errors import require_state
from app.core.principal import Principal
from app.core.time import utcnow
from app.label import repository, standing
from app.label.models import BatchStatus, LabelBatch, LabelStatus
from app.label.runs import serials_by_batch


@dataclass(frozen=True)
class RevokingAct:
    """The revocation whose labels these are, as each label records it."""

    revocation_id: int
    at: datetime
    by_id: int | None
    reason: str

    def label_values(self) -> dict[str, object]:
        return {
            "status": LabelStatus.REVOKED,
            "status_changed_at": self.at,
            "status_changed_by_id": self.by_id,
            "status_reason": self.reason,
            "revocation_id": self.revocation_id,
        }


# What a revocation or its reversal changed: each batch's serials (``app.label.runs``), the
# exact set the UPDATE returned, for the act's ``labels.revoked`` / ``labels.restored`` events.
Changed = dict[int, list[int]]


def count(changed: Changed) -> int:
    return sum(len(serials) for serials in changed.values())


async def revoke_labels_of_licence(
    session: AsyncSession, act: RevokingAct, licence_id: int
) -> Changed:
    """Revoke every still-active label issued under the licence."""
    revoked = await repository.revoke_active_labels(
        session, repository.labels_of_licence(licence_id), **act.label_values()
    )
    return serials_by_batch((batch_id, serial) for batch_id, serial in revoked)


async def revoke_labels(session: AsyncSession, act: RevokingAct, codes: Sequence[str]) -> Changed:
    """Revoke those of the labels (by normalised code) that are still live (active or not
    yet activated)."""
    revoked = await repository.revoke_active_labels(
        session, repository.labels_with_codes(codes), **act.label_values()
    )
    return serials_by_batch((batch_id, serial) for batch_id, serial in revoked)


async def restore_labels(
    session: AsyncSession, revocation_id: int, by_id: int | None
) -> dict[LabelStatus, Changed]:
    """Reactivate the labels the revocation revoked and nothing has touched since; what
    changed by the status each came back as (inactive: never activated on its line)."""
    restored = await repository.restore_revoked_labels(
        session,
        revocation_id,
        status=repository.restored_status(),
        status_changed_at=utcnow(),
        status_changed_by_id=by_id,
        status_reason=None,
        revocation_id=None,
    )
    by_status: dict[LabelStatus, list[tuple[int, int]]] = {}
    for batch_id, serial, status in restored:
        by_status.setdefault(LabelStatus(status), []).append((batch_id, serial))
    return {status: serials_by_batch(labels) for status, labels in by_status.items()}


@dataclass(frozen=True)
class Reach:
    """How many live labels an act would take off the market, and how many of those shoppers
    have already scanned: what a confirmation page says before a destructive act."""

    live: int
    scanned: int


async def _reach(session: AsyncSession, which: ColumnElement[bool]) -> Reach:
    live, scanned = (await session.execute(repository.live_reach(which))).one()
    return Reach(int(live or 0), int(scanned or 0))


async def reach_of_licence(session: AsyncSession, licence_id: int) -> Reach:
    return await _reach(session, repository.labels_of_licence(licence_id))


async def reach_of_batch(session: AsyncSession, batch_id: int) -> Reach:
    return await _reach(session, repository.labels_in_batch(batch_id))


async def reach_of_codes(session: AsyncSession, codes: Sequence[str]) -> Reach:
    """``codes`` normalised."""
    return await _reach(session, repository.labels_with_codes(codes))


async def active_labels_in(session: AsyncSession, batch_id: int) -> int:
    return await repository.active_label_count(session, batch_id)


async def owners(
    session: AsyncSession, codes: Sequence[str]
) -> Sequence[Row[str, LabelStatus, int, int, int]]:
    """(code, status, batch_id, licence_id, enterprise_id) of each issued label among codes."""
    return await repository.label_owners(session, codes)


async def revoke_batch(
    session: AsyncSession, actor: Principal, batch: LabelBatch, reason: str
) -> None:
    """Take the (row-locked, live) batch off the market. Its labels keep their own status:
    the batch's standing decides their verdict, so a reversal has nothing else to undo."""
    async with audited(session, actor, "batch.revoke", batch, "status", reason=reason):
        batch.status = BatchStatus.REVOKED


async def unrevoke_batch(
    session: AsyncSession, actor: Principal, batch_id: int, status: BatchStatus, reason: str
) -> LabelBatch:
    """Put a revoked batch back in the standing it had (``status``), row-locked."""
    batch = await standing.get_batch_for_update(session, actor, batch_id)
    require_state(f"batch {batch.id}", batch.status, BatchStatus.REVOKED)
    async with audited(session, actor, "batch.unrevoke", batch, "status", reason=reason):
        batch.status = status
    return batch
