"""Withdrawing a licence, and with it, when the regulator says so, revoking every label still
in circulation under it: one act, one transaction.

Here rather than in the licence domain because revoking labels is this domain's, and it sits
above licence: the licence service locks, checks and records the withdrawal; this decides
what else the act takes with it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.licence import service as licence_service
from app.licence.models import Licence
from app.licence.schemas import LicenceWithdraw
from app.revocation import service as revocation_service
from app.revocation.schemas import Grounds


async def withdraw_licence(
    session: AsyncSession,
    actor: Principal,
    licence_id: int,
    data: LicenceWithdraw,
    *,
    reason: str | None = None,
) -> tuple[Licence, int]:
    """Order the licensee to exit; returns the licence and how many labels were revoked.
    Labels already issued stay lawful unless ``data.revoke_labels`` asks for their revocation;
    the withdrawal's notice says which."""
    if reason is not None:
        data = data.model_copy(update={"reason": reason})
    licence = await licence_service.lock_withdrawable(session, actor, licence_id)
    revoked = 0
    if data.revoke_labels:
        grounds = Grounds(
            reason=data.reason, legal_basis=data.legal_basis, case_number=data.case_number
        )
        revocation = await revocation_service.revoke_outstanding_labels_of_licence(
            session, actor, licence, grounds
        )
        revoked = revocation.label_count
    await licence_service.withdraw(session, actor, licence, data, labels_revoked=revoked)
    return licence, revoked
