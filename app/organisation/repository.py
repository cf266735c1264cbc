from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.core.organisations import Organisation
from app.core.principal import OrgKind


def organisation_listing(kind: OrgKind | None, division_prefix: str | None) -> Select[Organisation]:
    """Organisations in order of their division, then name; of ``kind`` and within the
    division the prefix names, when given."""
    query = select(Organisation).order_by(Organisation.division_code, Organisation.id)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    if division_prefix:
        query = query.where(Organisation.division_code.startswith(division_prefix))
    return query


async def by_id(session: AsyncSession, organisation_id: int) -> Organisation | None:
    return await session.get(Organisation, organisation_id)


async def id_by_name(session: AsyncSession, name_zh: str) -> int | None:
    found: int | None = await session.scalar(
        select(Organisation.id).where(Organisation.name_zh == name_zh)
    )
    return found


async def member_counts(session: AsyncSession) -> dict[int, int]:
    rows = await session.execute(
        select(User.organisation_id, func.count())
        .where(User.organisation_id.is_not(None))
        .group_by(User.organisation_id)
    )
    return {int(org_id): int(count) for org_id, count in rows if org_id is not None}


async def members(session: AsyncSession, organisation_id: int) -> list[User]:
    query = select(User).where(User.organisation_id == organisation_id).order_by(User.username)
    return list(await session.scalars(query))
