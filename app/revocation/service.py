"""Revocations: of a licence's outstanding labels, of a batch, of single labels.

Label status is changed with set-based UPDATEs (a batch may hold a million labels), and every
revocation is one ``Revocation`` row, one audit event and one verdict-cache invalidation.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.time import utcnow
from app.label.models import Label, LabelBatch, LabelStatus
from app.licence.models import Licence
from app.revocation.models import Revocation, RevocationScope
from app.verification.invalidation import trust_changed


async def _audit(
    session: AsyncSession, actor: Principal, revocation: Revocation, action: str
) -> Revocation:
    await session.flush()
    after = audit.snapshot(
        revocation, "scope", "licence_id", "batch_id", "label_count", "legal_basis", "case_number"
    )
    await audit.record(
        session, actor, action, "revocation", revocation.id, after=after, reason=revocation.reason
    )
    return revocation


async def revoke_outstanding_labels_of_licence(
    session: AsyncSession,
    actor: Principal,
    licence: Licence,
    *,
    reason: str,
    legal_basis: str,
    case_number: str,
) -> int:
    """Revoke every still-active label issued under ``licence``; returns how many."""
    revocation = Revocation(
        scope=RevocationScope.LICENCE,
        licence_id=licence.id,
        enterprise_id=licence.enterprise_id,
        reason=reason,
        legal_basis=legal_basis,
        case_number=case_number,
        revoked_by_id=actor.id if actor.kind == "user" else None,
    )
    session.add(revocation)
    await session.flush()
    batch_ids = select(LabelBatch.id).where(LabelBatch.licence_id == licence.id)
    result = await session.execute(
        update(Label)
        .where(Label.batch_id.in_(batch_ids), Label.status == LabelStatus.ACTIVE)
        .values(
            status=LabelStatus.REVOKED,
            status_changed_at=utcnow(),
            status_changed_by_id=actor.id,
            status_reason=reason,
            revocation_id=revocation.id,
        )
        .execution_options(synchronize_session=False)
    )
    revocation.label_count = result.rowcount  # type: ignore[attr-defined]
    await _audit(session, actor, revocation, "revocation.licence_labels")
    await trust_changed(session, licence_ids=[licence.id])
    return revocation.label_count
