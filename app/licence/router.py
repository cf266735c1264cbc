from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.licence import service
from app.licence.models import Licence, LicenceStatus
from app.licence.schemas import (
    LicenceApply,
    LicenceApprove,
    LicenceDecision,
    LicenceEndorse,
    LicenceRead,
)

# Three more routes share this prefix and tag: the quota and the non-use list count label
# batches (``app.label.licence_use_router``), and withdrawal may revoke labels
# (``app.revocation.withdrawal_router``); both domains sit above this one.
router = APIRouter(prefix="/api/v1/licences", tags=["licences"])


def _read(licence: Licence) -> LicenceRead:
    return LicenceRead.of(licence)


@router.post("", status_code=201)
async def apply(
    session: SessionDep, actor: Annotated[Principal, permit("licence.apply")], body: LicenceApply
) -> LicenceRead:
    """Apply to use a GI mark for the enterprise's registered production area."""
    return _read(await service.apply(session, actor, body))


@router.get("")
async def list_licences(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.list")],
    page: PageDep,
    status: LicenceStatus | None = None,
    enterprise_id: Annotated[int | None, Query(ge=1)] = None,
    product_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[LicenceRead]:
    rows, total = await service.list_readable(
        session, actor, page, status=status, enterprise_id=enterprise_id, product_id=product_id
    )
    return Page(items=[_read(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.get("/{licence_id}")
async def get_licence(
    session: SessionDep, actor: Annotated[Principal, permit("licence.read")], licence_id: int
) -> LicenceRead:
    return _read(await service.get_readable(session, actor, licence_id))


@router.post("/{licence_id}/endorse")
async def endorse(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.endorse")],
    licence_id: int,
    body: LicenceEndorse,
) -> LicenceRead:
    """The registrant association of a collective or certification mark admits the applicant
    under its rules; the bureau then approves (409 ``endorsement_required`` before that)."""
    return _read(await service.endorse(session, actor, licence_id, body))


@router.post("/{licence_id}/approve")
async def approve(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.approve")],
    licence_id: int,
    body: LicenceApprove,
) -> LicenceRead:
    """Grant the licence: assigns its number and validity."""
    return _read(await service.approve(session, actor, licence_id, body))


@router.post("/{licence_id}/reject")
async def reject(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.reject")],
    licence_id: int,
    body: LicenceDecision,
) -> LicenceRead:
    return _read(await service.reject(session, actor, licence_id, body))


@router.post("/{licence_id}/suspend")
async def suspend(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.suspend")],
    licence_id: int,
    body: LicenceDecision,
) -> LicenceRead:
    return _read(await service.suspend(session, actor, licence_id, body))


@router.post("/{licence_id}/reinstate")
async def reinstate(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.reinstate")],
    licence_id: int,
    body: LicenceDecision,
) -> LicenceRead:
    return _read(await service.reinstate(session, actor, licence_id, body))
