"""The queries of revocations, and the one place that scopes them: a licensee reads only
those against its own enterprise."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.revocation.models import Revocation, RevocationScope


def readable_revocations(principal: Principal) -> Select[Revocation]:
    query = select(Revocation)
    if principal.is_licensee:
        query = query.where(Revocation.enterprise_id == principal.enterprise_id)
    return query


def readable_revocation(principal: Principal, revocation_id: int) -> Select[Revocation]:
    return readable_revocations(principal).where(Revocation.id == revocation_id)


def revocation_listing(
    principal: Principal, scope: RevocationScope | None, batch_id: int | None
) -> Select[Revocation]:
    """The caller's revocations, newest first, for ``paginate``."""
    query = readable_revocations(principal).order_by(
        Revocation.revoked_at.desc(), Revocation.id.desc()
    )
    if scope is not None:
        query = query.where(Revocation.scope == scope)
    if batch_id is not None:
        query = query.where(Revocation.batch_id == batch_id)
    return query


async def revocation_for_update(session: AsyncSession, revocation_id: int) -> Revocation | None:
    """Row-locked (PostgreSQL), so two reversals of one revocation take turns."""
    query = select(Revocation).where(Revocation.id == revocation_id).with_for_update()
    return await session.scalar(query)
