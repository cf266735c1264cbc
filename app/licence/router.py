from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.core.time import public_today, utcnow
from app.licence import nonuse, service
from app.licence.models import Licence, LicenceStatus
from app.licence.schemas import (
    LicenceApply,
    LicenceApprove,
    LicenceDecision,
    LicenceRead,
    LicenceWithdraw,
    NonUseCase,
    Quota,
    WithdrawResult,
)

router = APIRouter(prefix="/api/v1/licences", tags=["licences"])


def _read(licence: Licence) -> LicenceRead:
    data = {
        name: getattr(licence, name) for name in LicenceRead.model_fields if hasattr(licence, name)
    }
    data |= {"status": service.effective_status(licence), "stored_status": licence.status}
    return LicenceRead.model_validate(data)


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


@router.get("/non-use")
async def non_use(
    session: SessionDep, _actor: Annotated[Principal, permit("licence.non_use")]
) -> list[NonUseCase]:
    """Active licences with no label issued and no label scanned for 24 months, with the dates
    that prove it: the legal trigger for ordering the licensee to exit."""
    return await nonuse.find_non_use(session, utcnow())


@router.get("/{licence_id}")
async def get_licence(
    session: SessionDep, actor: Annotated[Principal, permit("licence.read")], licence_id: int
) -> LicenceRead:
    return _read(await service.get_readable(session, actor, licence_id))


@router.get("/{licence_id}/quota")
async def get_quota(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.read")],
    licence_id: int,
    season: Annotated[
        int | None, Query(ge=2000, le=2100, description="defaults to this year")
    ] = None,
) -> Quota:
    """Mass balance: how many labels this licence may still request this season."""
    await service.get_readable(session, actor, licence_id)
    return await service.quota(session, licence_id, season or public_today().year)


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


@router.post("/{licence_id}/withdraw")
async def withdraw(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.withdraw")],
    licence_id: int,
    body: LicenceWithdraw,
) -> WithdrawResult:
    """Order the licensee to exit, with reason, legal basis and case number; optionally revoke
    every label still in circulation (otherwise they stay lawful, and the public page says so)."""
    licence, revoked = await service.withdraw(session, actor, licence_id, body)
    return WithdrawResult(licence=_read(licence), labels_revoked=revoked)
