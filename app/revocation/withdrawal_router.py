"""The licence API's withdrawal route (``POST /api/v1/licences/{id}/withdraw``, tag
"licences"), served from here because withdrawing may revoke the licence's labels
(``withdrawal``), which the licence domain below cannot do. A second router file: its prefix
and tag are the licence API's, not this domain's ``/revocations``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from app.core.db import SessionDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.licence.schemas import LicenceRead, LicenceWithdraw, WithdrawResult
from app.revocation import withdrawal

router = APIRouter(prefix="/api/v1/licences", tags=["licences"])


@router.post("/{licence_id}/withdraw")
async def withdraw(
    session: SessionDep,
    actor: Annotated[Principal, permit("licence.withdraw")],
    licence_id: int,
    body: LicenceWithdraw,
) -> WithdrawResult:
    """Order the licensee to exit, with reason, legal basis and case number; optionally revoke
    every label still in circulation (otherwise they stay lawful, and the public page says so)."""
    licence, revoked = await withdrawal.withdraw_licence(session, actor, licence_id, body)
    return WithdrawResult(licence=LicenceRead.of(licence), labels_revoked=revoked)
