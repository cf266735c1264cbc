"""Revocations: of a licence's outstanding labels, of a batch, of single labels; and their
reversal where a regulator finds the revocation was wrong.

Label status is changed with set-based UPDATEs (a batch may hold a million labels). Every
revocation is one ``Revocation`` row, one audit event, one public notice and one
verdict-cache invalidation, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.core import notices
from app.core.errors import Conflict, NotFound, Unprocessable, require_state
from app.core.notices import NoticeKind
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal
from app.core.time import utcnow
from app.core.trust import trust_changed
from app.enterprise.models import Enterprise
from app.label import standing
from app.label.code import is_well_formed, normalise
from app.label.models import BatchStatus, Label, LabelBatch, LabelStatus
from app.licence.models import Licence
from app.registry.models import GIProduct
from app.revocation.models import Revocation, RevocationScope
from app.revocation.schemas import Grounds


def _new(
    scope: RevocationScope, actor: Principal, grounds: Grounds, **where: int | None
) -> Revocation:
    return Revocation(
        scope=scope,
        reason=grounds.reason,
        legal_basis=grounds.legal_basis,
        case_number=grounds.case_number,
        revoked_by_id=actor.user_id,
        revoked_at=utcnow(),
        **where,
    )


async def _record(
    session: AsyncSession, actor: Principal, revocation: Revocation, about: notices.Subject
) -> Revocation:
    after = audit.snapshot(
        revocation, "scope", "licence_id", "batch_id", "label_count", "legal_basis", "case_number"
    )
    await audit.record(
        session,
        actor,
        f"revocation.{revocation.scope.value}",
        "revocation",
        revocation.id,
        after=after,
        reason=revocation.reason,
    )
    about.reason, about.legal_basis = revocation.reason, revocation.legal_basis
    about.case_number = revocation.case_number
    about.detail |= {"scope": revocation.scope.value, "label_count": revocation.label_count}
    await notices.publish(session, NoticeKind.REVOCATION, revocation.id, about)
    await trust_changed(session)  # one bump for the whole act, whatever its scope
    return revocation


async def _revoke_labels_where(
    session: AsyncSession, actor: Principal, revocation: Revocation, *criteria: object
) -> int:
    result = await session.execute(
        update(Label)
        .where(Label.status == LabelStatus.ACTIVE, *criteria)  # type: ignore[arg-type]
        .values(
            status=LabelStatus.REVOKED,
            status_changed_at=revocation.revoked_at,
            status_changed_by_id=actor.user_id,
            status_reason=revocation.reason,
            revocation_id=revocation.id,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def revoke_outstanding_labels_of_licence(
    session: AsyncSession, actor: Principal, licence: Licence, grounds: Grounds
) -> Revocation:
    """Revoke every still-active label issued under ``licence`` (on withdrawal)."""
    revocation = _new(
        RevocationScope.LICENCE,
        actor,
        grounds,
        licence_id=licence.id,
        enterprise_id=licence.enterprise_id,
    )
    session.add(revocation)
    await session.flush()
    batch_ids = select(LabelBatch.id).where(LabelBatch.licence_id == licence.id)
    revocation.label_count = await _revoke_labels_where(
        session, actor, revocation, Label.batch_id.in_(batch_ids)
    )
    about = notices.Subject(
        product=await session.get(GIProduct, licence.product_id),
        enterprise=await session.get(Enterprise, licence.enterprise_id),
        licence_number=licence.number,
    )
    return await _record(session, actor, revocation, about)


async def revoke_batch(
    session: AsyncSession, actor: Principal, batch_id: int, grounds: Grounds
) -> Revocation:
    """Take a whole batch off the market. Its labels keep their own status (the batch's
    standing decides the verdict), so a reversal restores exactly what was there."""
    batch = await standing.get_batch_for_update(session, batch_id)
    # Revoking a batch ends its standing whatever it was on the market; a recall already did.
    require_state(f"batch {batch.id}", batch.status, *sorted(BatchStatus.live()))
    revocation = _new(
        RevocationScope.BATCH,
        actor,
        grounds,
        licence_id=batch.licence_id,
        batch_id=batch.id,
        enterprise_id=batch.enterprise_id,
    )
    revocation.previous_batch_status = batch.status.value
    revocation.label_count = int(
        await session.scalar(
            select(func.count()).where(
                Label.batch_id == batch.id, Label.status == LabelStatus.ACTIVE
            )
        )
        or 0
    )
    session.add(revocation)
    before = audit.snapshot(batch, "status")
    batch.status = BatchStatus.REVOKED
    await session.flush()
    await audit.record(
        session,
        actor,
        "batch.revoke",
        "label_batch",
        batch.id,
        before=before,
        after=audit.snapshot(batch, "status"),
        reason=grounds.reason,
    )
    return await _record(session, actor, revocation, await standing.batch_subject(session, batch))


async def revoke_labels(
    session: AsyncSession, actor: Principal, codes: Sequence[str], grounds: Grounds
) -> Revocation:
    """Revoke single labels (e.g. found on counterfeit goods or on another lot's product).
    One revocation is one case against one enterprise; void or revoked labels are left as
    they are and counted as skipped."""
    malformed = [typed for typed in codes if not is_well_formed(normalise(typed))]
    if malformed:  # named as typed, so the regulator can find them in their list
        raise Unprocessable("these are not label codes", codes=malformed[:50])
    wanted = sorted({normalise(c) for c in codes})
    rows = (
        await session.execute(
            select(
                Label.code,
                Label.status,
                LabelBatch.id,
                LabelBatch.licence_id,
                LabelBatch.enterprise_id,
            )
            .join(LabelBatch, LabelBatch.id == Label.batch_id)
            .where(Label.code.in_(wanted))
        )
    ).all()
    unknown = sorted(set(wanted) - {row.code for row in rows})
    if unknown:
        raise Unprocessable(f"{len(unknown)} codes are not issued labels", codes=unknown[:50])
    enterprises = {row.enterprise_id for row in rows}
    if len(enterprises) > 1:
        raise Unprocessable("one revocation covers the labels of one enterprise; split the list")
    active = [row.code for row in rows if row.status is LabelStatus.ACTIVE]
    if not active:
        raise Conflict("none of these labels is active; nothing to revoke")
    batches = {row.id for row in rows}
    licences = {row.licence_id for row in rows}
    revocation = _new(
        RevocationScope.LABELS,
        actor,
        grounds,
        enterprise_id=enterprises.pop(),
        batch_id=next(iter(batches)) if len(batches) == 1 else None,
        licence_id=next(iter(licences)) if len(licences) == 1 else None,
    )
    session.add(revocation)
    await session.flush()
    revocation.label_count = await _revoke_labels_where(
        session, actor, revocation, Label.code.in_(active)
    )
    about = await _enterprise_subject(session, revocation)
    about.detail["codes"] = active[:1000]
    return await _record(session, actor, revocation, about)


async def _enterprise_subject(session: AsyncSession, revocation: Revocation) -> notices.Subject:
    if revocation.batch_id is not None:
        batch = await session.get(LabelBatch, revocation.batch_id)
        if batch is not None:
            return await standing.batch_subject(session, batch)
    licence = await session.get(Licence, revocation.licence_id) if revocation.licence_id else None
    return notices.Subject(
        product=await session.get(GIProduct, licence.product_id) if licence else None,
        enterprise=await session.get(Enterprise, revocation.enterprise_id),
        licence_number=licence.number if licence else None,
    )


async def reverse(
    session: AsyncSession, actor: Principal, revocation_id: int, reason: str
) -> Revocation:
    """Undo a revocation found to be wrong: its labels (and its batch's standing) come back
    exactly as they were; labels voided or revoked since by other acts stay as they are."""
    revocation = await session.scalar(
        select(Revocation).where(Revocation.id == revocation_id).with_for_update()
    )
    if revocation is None:
        raise NotFound(f"revocation {revocation_id} not found")
    if revocation.reversed_at is not None:
        raise Conflict(
            f"revocation {revocation_id} was already reversed on {revocation.reversed_at:%Y-%m-%d}"
        )
    if revocation.scope is RevocationScope.BATCH:
        await _restore_batch(session, actor, revocation, reason)
    restored = await session.execute(
        update(Label)
        .where(Label.revocation_id == revocation.id, Label.status == LabelStatus.REVOKED)
        .values(
            status=LabelStatus.ACTIVE,
            status_changed_at=utcnow(),
            status_changed_by_id=actor.user_id,
            status_reason=None,
            revocation_id=None,
        )
        .execution_options(synchronize_session=False)
    )
    before = audit.snapshot(revocation, "reversed_at")
    revocation.reversed_at, revocation.reversal_reason = utcnow(), reason
    revocation.reversed_by_id = actor.user_id
    await session.flush()
    await audit.record(
        session,
        actor,
        "revocation.reverse",
        "revocation",
        revocation.id,
        before=before,
        after={
            "reversed_at": revocation.reversed_at.isoformat(),
            "labels_restored": int(restored.rowcount),  # type: ignore[attr-defined]
        },
        reason=reason,
    )
    about = await _enterprise_subject(session, revocation)
    about.reason, about.case_number = reason, revocation.case_number
    about.detail |= {"revocation_id": revocation.id, "scope": revocation.scope.value}
    await notices.publish(session, NoticeKind.REVOCATION_REVERSED, revocation.id, about)
    await trust_changed(session)
    return revocation


async def _restore_batch(
    session: AsyncSession, actor: Principal, revocation: Revocation, reason: str
) -> None:
    batch = await standing.get_batch_for_update(session, revocation.batch_id or 0)
    require_state(f"batch {batch.id}", batch.status, BatchStatus.REVOKED)
    before = audit.snapshot(batch, "status")
    batch.status = BatchStatus(revocation.previous_batch_status or BatchStatus.ISSUED)
    await session.flush()
    await audit.record(
        session,
        actor,
        "batch.unrevoke",
        "label_batch",
        batch.id,
        before=before,
        after=audit.snapshot(batch, "status"),
        reason=reason,
    )


def _readable(actor: Principal) -> Select[Revocation]:
    query = select(Revocation)
    if actor.is_licensee:
        query = query.where(Revocation.enterprise_id == actor.enterprise_id)
    return query


async def get(session: AsyncSession, actor: Principal, revocation_id: int) -> Revocation:
    revocation = await session.scalar(_readable(actor).where(Revocation.id == revocation_id))
    if revocation is None:
        raise NotFound(f"revocation {revocation_id} not found")
    return revocation


async def list_readable(
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    scope: RevocationScope | None = None,
    batch_id: int | None = None,
) -> tuple[Sequence[Revocation], int]:
    query = _readable(actor).order_by(Revocation.revoked_at.desc(), Revocation.id.desc())
    if scope is not None:
        query = query.where(Revocation.scope == scope)
    if batch_id is not None:
        query = query.where(Revocation.batch_id == batch_id)
    return await paginate(session, query, page)
