"""The queries of revocations, and the one place that scopes them: a licensee reads only
those against its own enterprise."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Keyset
from app.core.principal import Principal
from app.core.search import contains_text
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.label.models import LabelBatch
from app.licence.models import Licence
from app.revocation.models import Revocation, RevocationScope


def readable_revocations(principal: Principal) -> Select[Revocation]:
    query = select(Revocation)
    if principal.is_licensee:
        query = query.where(Revocation.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(Revocation.enterprise_id.in_(reach))
    return query


def readable_revocation(principal: Principal, revocation_id: int) -> Select[Revocation]:
    return readable_revocations(principal).where(Revocation.id == revocation_id)


# By id (ids are handed out in the order revocations are made): the primary key's index, so a
# deep page costs what the first one does. Newest first by default.
REVOCATION_ORDERS = {
    "-id": Keyset("revocations:-id", (Revocation.id,), descending=True),
    "id": Keyset("revocations:id", (Revocation.id,), descending=False),
}


def named_revocations(
    principal: Principal, q: str | None = None, reversed_: bool | None = None
) -> Select[Revocation, str, str | None, str | None]:
    """The caller's revocations with the names a person reads them by: the enterprise, the
    licence number and the lot (when the revocation is of one licence or batch); ``q`` a
    substring of the lot, the case number, the licence number or the enterprise's name or
    USCC (the joins are there for the names anyway); ``reversed_`` True for the reversed
    ones, False for those in force."""
    query = (
        readable_revocations(principal)
        .add_columns(Enterprise.name, Licence.number, LabelBatch.lot_number)
        .join(Enterprise, Enterprise.id == Revocation.enterprise_id)
        .outerjoin(Licence, Licence.id == Revocation.licence_id)
        .outerjoin(LabelBatch, LabelBatch.id == Revocation.batch_id)
    )
    if q and q.strip():
        text = q.strip()
        columns = (
            LabelBatch.lot_number,
            Revocation.case_number,
            Licence.number,
            Enterprise.name,
            Enterprise.uscc,
        )
        query = query.where(or_(*(contains_text(column, text) for column in columns)))
    if reversed_ is not None:
        reversal = Revocation.reversed_at
        query = query.where(reversal.is_not(None) if reversed_ else reversal.is_(None))
    return query


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


async def revocation_for_update(
    session: AsyncSession, principal: Principal, revocation_id: int
) -> Revocation | None:
    """Row-locked (PostgreSQL), so two reversals of one revocation take turns."""
    query = readable_revocation(principal, revocation_id).with_for_update()
    return await session.scalar(query)
