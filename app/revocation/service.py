"""Revocations: of a licence's outstanding labels, of a batch, of single labels; and their
reversal where a regulator finds the revocation was wrong.

The labels and the batch belong to the label domain, which changes them
(``app.label.revoking``: set-based UPDATEs, since a batch may hold a million labels). Every
revocation is one ``Revocation`` row and one audited transition (``app.audit.transition``:
the audit event, the public notice and one verdict-cache invalidation for the whole act), all
in the caller's transaction. A revocation of labels (and a reversal that restores them) also
records which, per batch, as serial runs (``labels.revoked`` / ``labels.restored``,
``app.label.runs``): what its EPCIS decommissioning (commissioning) events name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.transition import record_transition
from app.core import notices
from app.core.errors import Conflict, NotFound, Unprocessable, require_state
from app.core.pagination import (
    CursorParams,
    KeysetSlice,
    PageParams,
    keyset_paginate_rows,
    paginate,
)
from app.core.principal import Principal
from app.core.time import utcnow
from app.enterprise import service as enterprise_service
from app.label import revoking, standing
from app.label import service as label_service
from app.label.code import is_well_formed, normalise
from app.label.models import BatchStatus, LabelStatus
from app.label.runs import record_runs
from app.licence import service as licence_service
from app.licence.models import Licence
from app.packing import service as packing_service
from app.registry import service as registry_service
from app.revocation import repository
from app.revocation.models import Revocation, RevocationScope
from app.revocation.schemas import Grounds

RECORDED = ("scope", "licence_id", "batch_id", "label_count", "legal_basis", "case_number")


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


def _act(actor: Principal, revocation: Revocation) -> revoking.RevokingAct:
    """How each revoked label records this revocation."""
    return revoking.RevokingAct(
        revocation.id, revocation.revoked_at, actor.user_id, revocation.reason
    )


async def _record(
    session: AsyncSession,
    actor: Principal,
    revocation: Revocation,
    about: notices.Subject,
    revoked: revoking.Changed | None = None,
) -> Revocation:
    """The revocation's transition: one audit event, one notice, one bump whatever its scope;
    and the labels it ``revoked``, per batch (none for a batch's: its labels keep theirs)."""
    after = audit.snapshot(revocation, *RECORDED)
    about.reason, about.legal_basis = revocation.reason, revocation.legal_basis
    about.case_number = revocation.case_number
    about.detail |= {"scope": revocation.scope.value, "label_count": revocation.label_count}
    await record_transition(
        session,
        actor,
        f"revocation.{revocation.scope.value}",
        "revocation",
        revocation.id,
        after=after,
        reason=revocation.reason,
        about=about,
        against=revocation.enterprise_id,
    )
    context = {"revocation_id": revocation.id}
    await record_runs(
        session, actor, "labels.revoked", revoked or {}, reason=revocation.reason, context=context
    )
    return revocation


async def _licence_subject(
    session: AsyncSession, actor: Principal, licence: Licence, enterprise_id: int
) -> notices.Subject:
    return notices.Subject(
        product=await registry_service.get_product(session, licence.product_id),
        enterprise=await enterprise_service.get_readable(session, actor, enterprise_id),
        licence_number=licence.number,
    )


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
    act = _act(actor, revocation)
    revoked = await revoking.revoke_labels_of_licence(session, act, licence.id)
    revocation.label_count = revoking.count(revoked)
    about = await _licence_subject(session, actor, licence, licence.enterprise_id)
    return await _record(session, actor, revocation, about, revoked)


async def revoke_batch(
    session: AsyncSession, actor: Principal, batch_id: int, grounds: Grounds
) -> Revocation:
    """Take a whole batch off the market. Its labels keep their own status (the batch's
    standing decides the verdict), so a reversal restores exactly what was there."""
    batch = await standing.get_batch_for_update(session, actor, batch_id)
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
    revocation.previous_batch_status = batch.status.value  # what a reversal restores
    revocation.label_count = await revoking.active_labels_in(session, batch.id)
    session.add(revocation)
    await revoking.revoke_batch(session, actor, batch, grounds.reason)
    return await _record(session, actor, revocation, await standing.batch_subject(session, batch))


@dataclass(frozen=True)
class LabelsTarget:
    """What a revocation of single labels would act on, checked as the revocation checks it:
    one enterprise, its batches, the still-active codes, and their reach."""

    enterprise_id: int
    batch_ids: frozenset[int]
    licence_ids: frozenset[int]
    active: list[str]
    reach: revoking.Reach


async def _labels_target(session: AsyncSession, codes: Sequence[str]) -> LabelsTarget:
    """The checks of :func:`revoke_labels`, writing nothing; shared by its confirmation page."""
    malformed = [typed for typed in codes if not is_well_formed(normalise(typed))]
    if malformed:  # named as typed, so the regulator can find them in their list
        raise Unprocessable("these are not label codes", codes=malformed[:50])
    wanted = sorted({normalise(c) for c in codes})
    rows = await revoking.owners(session, wanted)
    unknown = sorted(set(wanted) - {row.code for row in rows})
    if unknown:
        raise Unprocessable(f"{len(unknown)} codes are not issued labels", codes=unknown[:50])
    enterprises = {row.enterprise_id for row in rows}
    if len(enterprises) > 1:
        raise Unprocessable("one revocation covers the labels of one enterprise; split the list")
    active = [row.code for row in rows if row.status in LabelStatus.live()]
    if not active:
        raise Conflict("none of these labels is active or inactive; nothing to revoke")
    return LabelsTarget(
        enterprise_id=enterprises.pop(),
        batch_ids=frozenset(row.batch_id for row in rows),
        licence_ids=frozenset(row.licence_id for row in rows),
        active=active,
        reach=await revoking.reach_of_codes(session, active),
    )


async def preview_labels(session: AsyncSession, codes: Sequence[str]) -> LabelsTarget:
    """What ``revoke_labels(codes)`` would revoke, or its refusal, without writing."""
    return await _labels_target(session, codes)


async def preview_batch(session: AsyncSession, actor: Principal, batch_id: int) -> revoking.Reach:
    """How many labels ``revoke_batch`` would take off the market (and how many were
    scanned), or its refusal (404, 409 when the batch is not live), without writing."""
    batch = await label_service.get_readable(session, actor, batch_id)
    require_state(f"batch {batch.id}", batch.status, *sorted(BatchStatus.live()))
    return await revoking.reach_of_batch(session, batch.id)


async def revoke_labels(
    session: AsyncSession, actor: Principal, codes: Sequence[str], grounds: Grounds
) -> Revocation:
    """Revoke single labels (e.g. found on counterfeit goods or on another lot's product).
    One revocation is one case against one enterprise; void or revoked labels are left as
    they are and counted as skipped."""
    target = await _labels_target(session, codes)
    batches, licences = target.batch_ids, target.licence_ids
    revocation = _new(
        RevocationScope.LABELS,
        actor,
        grounds,
        enterprise_id=target.enterprise_id,
        batch_id=next(iter(batches)) if len(batches) == 1 else None,
        licence_id=next(iter(licences)) if len(licences) == 1 else None,
    )
    session.add(revocation)
    await session.flush()
    act = _act(actor, revocation)
    revoked = await revoking.revoke_labels(session, act, target.active)
    revocation.label_count = revoking.count(revoked)
    about = await _enterprise_subject(session, actor, revocation)
    about.detail["codes"] = target.active[:1000]
    return await _record(session, actor, revocation, about, revoked)


async def revoke_package(
    session: AsyncSession, actor: Principal, package_code: str, grounds: Grounds
) -> Revocation:
    """Revoke every unit of a carton (a pallet: of its cartons) as single labels: one
    revocation, one notice, the package named in it."""
    codes = await packing_service.unit_codes(session, actor, package_code)
    if not codes:
        raise Conflict(f"package {package_code} holds no labels; nothing to revoke")
    return await revoke_labels(session, actor, codes, grounds)


async def _enterprise_subject(
    session: AsyncSession, actor: Principal, revocation: Revocation
) -> notices.Subject:
    """The public facts of what the revocation is against: its batch, else its licence, else
    its enterprise."""
    if revocation.batch_id is not None:
        batch = await label_service.get_readable(session, actor, revocation.batch_id)
        return await standing.batch_subject(session, batch)
    if revocation.licence_id is not None:
        licence = await licence_service.get_readable(session, actor, revocation.licence_id)
        return await _licence_subject(session, actor, licence, revocation.enterprise_id)
    enterprise = await enterprise_service.get_readable(session, actor, revocation.enterprise_id)
    return notices.Subject(enterprise=enterprise)


async def reverse(
    session: AsyncSession, actor: Principal, revocation_id: int, reason: str
) -> Revocation:
    """Undo a revocation found to be wrong: its labels (and its batch's standing) come back
    exactly as they were; labels voided or revoked since by other acts stay as they are."""
    revocation = await repository.revocation_for_update(session, actor, revocation_id)
    if revocation is None:
        raise NotFound(f"revocation {revocation_id} not found")
    if revocation.reversed_at is not None:
        raise Conflict(
            f"revocation {revocation_id} was already reversed on {revocation.reversed_at:%Y-%m-%d}"
        )
    if revocation.scope is RevocationScope.BATCH:
        previous = BatchStatus(revocation.previous_batch_status or BatchStatus.ISSUED)
        await revoking.unrevoke_batch(session, actor, revocation.batch_id or 0, previous, reason)
    restored = await revoking.restore_labels(session, revocation.id, actor.user_id)
    before = audit.snapshot(revocation, "reversed_at")
    revocation.reversed_at, revocation.reversal_reason = utcnow(), reason
    revocation.reversed_by_id = actor.user_id
    about = await _enterprise_subject(session, actor, revocation)
    about.reason, about.case_number = reason, revocation.case_number
    about.detail |= {"revocation_id": revocation.id, "scope": revocation.scope.value}
    await record_transition(
        session,
        actor,
        "revocation.reverse",
        "revocation",
        revocation.id,
        before=before,
        after={
            "reversed_at": revocation.reversed_at.isoformat(),
            "labels_restored": sum(revoking.count(labels) for labels in restored.values()),
        },
        reason=reason,
        about=about,
    )
    for status, labels in sorted(restored.items()):  # an EPCIS event has one disposition
        context = {"revocation_id": revocation.id, "status": status.value}
        await record_runs(session, actor, "labels.restored", labels, reason=reason, context=context)
    return revocation


async def get(session: AsyncSession, actor: Principal, revocation_id: int) -> Revocation:
    revocation = await session.scalar(repository.readable_revocation(actor, revocation_id))
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
    query = repository.revocation_listing(actor, scope, batch_id)
    return await paginate(session, query, page)


async def list_named(
    session: AsyncSession,
    actor: Principal,
    page: CursorParams,
    q: str | None = None,
    sort: str = "-id",
    reversed_: bool | None = None,
) -> KeysetSlice[tuple[Any, ...]]:
    """A keyset page of the caller's revocations, each as (revocation, enterprise name,
    licence number, lot number): the console's list and its CSV. ``q`` and ``reversed_`` as
    ``repository.named_revocations``; ``sort`` a key of ``repository.REVOCATION_ORDERS``."""
    query = repository.named_revocations(actor, q, reversed_)
    return await keyset_paginate_rows(session, query, repository.REVOCATION_ORDERS[sort], page)


async def get_named(session: AsyncSession, actor: Principal, revocation_id: int) -> tuple[Any, ...]:
    """One revocation with its names, as :func:`list_named` gives them; 404 as :func:`get`."""
    query = repository.named_revocations(actor).where(Revocation.id == revocation_id)
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(f"revocation {revocation_id} not found")
    return tuple(row)
