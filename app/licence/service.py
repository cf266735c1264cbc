"""The licence lifecycle: pending → active ⇄ suspended → withdrawn; rejected; expired by date.

Every transition locks the licence row first and goes through ``app.audit.transition``, which
records it and, from its table of effects, moves the trust epoch (suspend, reinstate,
withdraw) and publishes the withdrawal notice. Withdrawing with the licence's labels revoked
too is orchestrated by the revocation domain (``app.revocation.withdrawal``), which sits above
this one; the quota's use and the non-use rule count label batches, so the label domain
computes them (``app.label.licence_use``).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import snapshot
from app.audit.transition import audited, record_transition
from app.core import notices
from app.core.errors import InvalidState, NotFound, Unprocessable, require_state
from app.core.pagination import CursorParams, KeysetSlice, PageParams, keyset_paginate, paginate
from app.core.principal import OrgKind, Principal
from app.core.time import public_today, utcnow
from app.credit import service as credit_service
from app.enterprise import service as enterprise_service
from app.licence import repository
from app.licence.exceptions import DuplicateApplication, EndorsementRequired, NotTheRegistrant
from app.licence.models import Licence, LicenceStatus
from app.licence.schemas import (
    LicenceApply,
    LicenceApprove,
    LicenceDecision,
    LicenceEndorse,
    LicenceWithdraw,
    Quota,
)
from app.registry import service as registry_service
from app.registry.models import GIProduct

AUDITED = ("status", "number", "valid_from", "valid_until", "production_area_mu")


def effective_status(licence: Licence, today: date | None = None) -> LicenceStatus:
    """Expiry follows the validity date; the rule lives on the model (``Licence``)."""
    return licence.effective_status(today)


async def get_readable(
    session: AsyncSession, principal: Principal, licence_id: int, *, for_update: bool = False
) -> Licence:
    query = repository.readable_licence(principal, licence_id, for_update=for_update)
    licence = await session.scalar(query)
    if licence is None:
        raise NotFound(f"licence {licence_id} not found")
    return licence


async def require_active(session: AsyncSession, principal: Principal, licence_id: int) -> Licence:
    return _active(await get_readable(session, principal, licence_id))


async def lock_active(session: AsyncSession, principal: Principal, licence_id: int) -> Licence:
    """The licence, row-locked until commit, refused unless active.

    Why a lock: the quota is a sum over the licence's batches, and on PostgreSQL (READ
    COMMITTED) two requests could each read the sum before the other's batch exists and both
    fit. Holding the licence row makes requests against one licence take turns, and the sum is
    read after the lock, so it includes every batch committed before. A counter column with a
    conditional UPDATE would also work, but would duplicate what the batches already say (and
    would have to be kept right on reject and season change). The lock also orders a request
    against a concurrent suspend or withdrawal: whichever is second sees the other's result.
    SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE already serialises writers."""
    return _active(await get_readable(session, principal, licence_id, for_update=True))


def _active(licence: Licence) -> Licence:
    state = effective_status(licence)
    if state is not LicenceStatus.ACTIVE:
        raise InvalidState(
            f"licence {licence.id} is {state.value}, not active", current_state=state
        )
    return licence


async def list_undecided(
    session: AsyncSession, principal: Principal, page: PageParams
) -> tuple[list[Licence], int]:
    """Applications awaiting a decision (pending or endorsed), oldest first."""
    query = repository.readable_licences(principal).where(
        Licence.status.in_(LicenceStatus.undecided())
    )
    return await paginate(session, query.order_by(Licence.id), page)


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    status: LicenceStatus | None = None,
    enterprise_id: int | None = None,
    product_id: int | None = None,
) -> tuple[list[Licence], int]:
    query = repository.readable_licences(principal).order_by(Licence.id)
    if status is not None:
        query = query.where(Licence.effective_status_is(status))
    if enterprise_id is not None:
        query = query.where(Licence.enterprise_id == enterprise_id)
    if product_id is not None:
        query = query.where(Licence.product_id == product_id)
    return await paginate(session, query, page)


async def page_readable(
    session: AsyncSession,
    principal: Principal,
    page: CursorParams,
    status: LicenceStatus | None = None,
    q: str | None = None,
    sort: str = "-id",
) -> KeysetSlice[Licence]:
    """A keyset page of the caller's licences (the console's list): ``status`` as read (an
    active licence past its date is expired), ``q`` a substring of the number, enterprise or
    product; ``sort`` a key of ``repository.LICENCE_ORDERS`` (indexed orders only)."""
    status_is = Licence.effective_status_is(status) if status is not None else None
    query = repository.licences_listed(principal, status_is, q)
    return await keyset_paginate(session, query, repository.LICENCE_ORDERS[sort], page)


async def get(session: AsyncSession, licence_id: int) -> Licence:
    """Any licence, unscoped: for a caller that has already read something of it (a batch, a
    quota asked for) through its own scoping."""
    licence = await session.get(Licence, licence_id)
    if licence is None:
        raise NotFound(f"licence {licence_id} not found")
    return licence


async def apply(session: AsyncSession, actor: Principal, data: LicenceApply) -> Licence:
    enterprise_id = actor.enterprise_id if actor.is_licensee else data.enterprise_id
    if enterprise_id is None:
        raise Unprocessable("name the enterprise that applies (enterprise_id)")
    await enterprise_service.get_readable(session, actor, enterprise_id)
    await registry_service.get_product(session, data.product_id)
    await credit_service.refuse_if_listed(session, enterprise_id, "a licence application")
    await _refuse_duplicate(session, enterprise_id, data.product_id)
    licence = Licence(
        enterprise_id=enterprise_id,
        product_id=data.product_id,
        status=LicenceStatus.PENDING,
        production_area_mu=data.production_area_mu,
        production_location=data.production_location,
        applied_at=utcnow(),
    )
    session.add(licence)
    await session.flush()
    after = snapshot(licence, *AUDITED)
    await record_transition(session, actor, "licence.apply", "licence", licence.id, after=after)
    return licence


async def _refuse_duplicate(session: AsyncSession, enterprise_id: int, product_id: int) -> None:
    existing = await session.scalar(repository.open_licence_of(enterprise_id, product_id))
    if existing is not None:
        raise DuplicateApplication(
            f"licence {existing} for this enterprise and GI product is still open",
            licence_id=existing,
        )


def _require(licence: Licence, *allowed: LicenceStatus) -> LicenceStatus:
    state = effective_status(licence)
    require_state(f"licence {licence.id}", state, *allowed)
    return state


async def _next_number(session: AsyncSession, product_code: str, year: int) -> str:
    prefix = f"GI-{product_code}-{year}-"
    count = await session.scalar(repository.numbers_taken(prefix))
    return f"{prefix}{(count or 0) + 1:04d}"


def _registrant_acts(actor: Principal, product: GIProduct) -> bool:
    """Whether the actor speaks for the product's registrant association."""
    return (
        product.registrant_organisation_id is not None
        and actor.organisation_id == product.registrant_organisation_id
    )


def _held_to_own_mark(actor: Principal, product: GIProduct) -> None:
    """An association decides only on its own mark's applications (``ORG_POLICY`` lets
    associations act at all; this says which)."""
    if actor.org_kind is OrgKind.ASSOCIATION and not _registrant_acts(actor, product):
        raise NotTheRegistrant(
            f"only the registrant association of {product.name_zh} decides on its applications"
        )


async def endorse(
    session: AsyncSession, actor: Principal, licence_id: int, data: LicenceEndorse
) -> Licence:
    """The mark's registrant association admits the applicant under its rules (issue 14.2):
    ``pending → endorsed``; the bureau then confirms it (``→ active``) or refuses it."""
    licence = await get_readable(session, actor, licence_id, for_update=True)
    _require(licence, LicenceStatus.PENDING)
    product = await registry_service.get_product(session, licence.product_id)
    if not _registrant_acts(actor, product):
        raise NotTheRegistrant(
            f"only the registrant association of {product.name_zh} endorses its applications"
        )
    fields = ("status", "endorsed_at", "endorsement_note")
    async with audited(session, actor, "licence.endorse", licence, *fields, reason=data.note):
        licence.status = LicenceStatus.ENDORSED
        licence.endorsed_at, licence.endorsed_by_id = utcnow(), actor.user_id
        licence.endorsement_note = data.note
    return licence


def needs_endorsement(licence: Licence, product: GIProduct) -> bool:
    """A mark with a registrant association: its endorsement comes before the approval."""
    return (
        product.registrant_organisation_id is not None and licence.status is LicenceStatus.PENDING
    )


async def approve(
    session: AsyncSession,
    actor: Principal,
    licence_id: int,
    data: LicenceApprove,
    *,
    reason: str | None = None,
) -> Licence:
    """Every transition locks the licence row first (see :func:`lock_active`): of two
    concurrent decisions the second reads the first's result and is refused with 409. A
    mark with a registrant association is approved only once the association endorsed it."""
    licence = await get_readable(session, actor, licence_id, for_update=True)
    _require(licence, *LicenceStatus.undecided())
    product = await registry_service.get_product(session, licence.product_id)
    if needs_endorsement(licence, product):
        raise EndorsementRequired(
            f"licence {licence.id} awaits the endorsement of {product.name_zh}'s registrant "
            "association"
        )
    reason = reason if reason is not None else data.reason
    async with audited(session, actor, "licence.approve", licence, *AUDITED, reason=reason):
        valid_from = data.valid_from or public_today()
        if data.valid_until <= valid_from:
            raise Unprocessable("valid_until must be after valid_from")
        await repository.lock_numbering(session, product.id)
        licence.number = await _next_number(session, product.code, valid_from.year)
        licence.status, licence.valid_from, licence.valid_until = (
            LicenceStatus.ACTIVE,
            valid_from,
            data.valid_until,
        )
        licence.decided_at, licence.decision_reason = utcnow(), reason
    return licence


async def reject(
    session: AsyncSession,
    actor: Principal,
    licence_id: int,
    data: LicenceDecision,
    *,
    reason: str | None = None,
) -> Licence:
    licence = await get_readable(session, actor, licence_id, for_update=True)
    _require(licence, *LicenceStatus.undecided())
    _held_to_own_mark(actor, await registry_service.get_product(session, licence.product_id))
    reason = reason if reason is not None else data.reason
    async with audited(session, actor, "licence.reject", licence, *AUDITED, reason=reason):
        licence.status, licence.decided_at, licence.decision_reason = (
            LicenceStatus.REJECTED,
            utcnow(),
            reason,
        )
    return licence


async def _move(
    session: AsyncSession,
    actor: Principal,
    licence_id: int,
    reason: str,
    source: LicenceStatus,
    target: LicenceStatus,
    action: str,
) -> Licence:
    licence = await get_readable(session, actor, licence_id, for_update=True)
    _require(licence, source)
    async with audited(session, actor, action, licence, *AUDITED, reason=reason):
        licence.status = target
    return licence


async def suspend(
    session: AsyncSession,
    actor: Principal,
    licence_id: int,
    data: LicenceDecision,
    *,
    reason: str | None = None,
) -> Licence:
    return await _move(
        session,
        actor,
        licence_id,
        reason if reason is not None else data.reason,
        LicenceStatus.ACTIVE,
        LicenceStatus.SUSPENDED,
        "licence.suspend",
    )


async def reinstate(
    session: AsyncSession,
    actor: Principal,
    licence_id: int,
    data: LicenceDecision,
    *,
    reason: str | None = None,
) -> Licence:
    return await _move(
        session,
        actor,
        licence_id,
        reason if reason is not None else data.reason,
        LicenceStatus.SUSPENDED,
        LicenceStatus.ACTIVE,
        "licence.reinstate",
    )


async def lock_withdrawable(session: AsyncSession, actor: Principal, licence_id: int) -> Licence:
    """The licence, row-locked, refused (409) unless it may still be withdrawn."""
    licence = await get_readable(session, actor, licence_id, for_update=True)
    _require(licence, LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED, LicenceStatus.EXPIRED)
    return licence


async def withdraw(
    session: AsyncSession,
    actor: Principal,
    licence: Licence,
    data: LicenceWithdraw,
    *,
    labels_revoked: int = 0,
) -> Licence:
    """Order the licensee to exit (``licence`` from :func:`lock_withdrawable`), and publish it.
    Labels already issued stay lawful unless they were revoked too (``labels_revoked`` of
    them, by the caller in this transaction); the notice says which."""
    async with audited(
        session, actor, "licence.withdraw", licence, *AUDITED, reason=data.reason
    ) as change:
        licence.status, licence.withdrawn_at = LicenceStatus.WITHDRAWN, utcnow()
        licence.withdrawal_reason, licence.legal_basis = data.reason, data.legal_basis
        licence.case_number = data.case_number
        change.about = await _withdrawal_subject(session, actor, licence, labels_revoked)
    return licence


async def _withdrawal_subject(
    session: AsyncSession, actor: Principal, licence: Licence, revoked: int
) -> notices.Subject:
    return notices.Subject(
        product=await registry_service.get_product(session, licence.product_id),
        enterprise=await enterprise_service.get_readable(session, actor, licence.enterprise_id),
        licence_number=licence.number,
        reason=licence.withdrawal_reason,
        legal_basis=licence.legal_basis,
        case_number=licence.case_number,
        detail={"labels_revoked": revoked, "outstanding_labels_stay_lawful": revoked == 0},
    )


async def quota(
    session: AsyncSession,
    licence: Licence,
    season: int,
    *,
    used: int,
    product: GIProduct | None = None,
) -> Quota:
    """Mass balance: registered production × standard yield ÷ pack size, against the
    ``used`` labels the label domain counts for the season. ``product``: the licence's, when
    the caller has it loaded already (a list of licences)."""
    if product is None or product.id != licence.product_id:
        product = await registry_service.get_product(session, licence.product_id)
    kilograms = licence.production_area_mu * product.standard_yield_kg_per_mu
    total = int((kilograms / product.default_pack_size_kg).to_integral_value(ROUND_FLOOR))
    return Quota(
        licence_id=licence.id,
        season=season,
        quota_unit=product.quota_unit,
        production_area_mu=licence.production_area_mu,
        standard_yield_kg_per_mu=product.standard_yield_kg_per_mu,
        pack_size_kg=product.default_pack_size_kg,
        total=total,
        used=used,
        remaining=max(total - used, 0),
    )
