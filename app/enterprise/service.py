from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core.errors import NotFound
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal
from app.enterprise import repository
from app.enterprise.exceptions import USCCTaken
from app.enterprise.models import Enterprise
from app.enterprise.schemas import ContactUpdate, EnterpriseCreate, EnterpriseUpdate

FIELDS = tuple(EnterpriseCreate.model_fields)


async def get_readable(
    session: AsyncSession, principal: Principal, enterprise_id: int
) -> Enterprise:
    enterprise = await session.scalar(repository.readable_enterprise(principal, enterprise_id))
    if enterprise is None:
        raise NotFound(f"enterprise {enterprise_id} not found")
    return enterprise


async def names_by_id(
    session: AsyncSession, principal: Principal, ids: Collection[int]
) -> dict[int, str]:
    """Enterprise names for a list page's rows, those ``principal`` may read, in one query."""
    if not ids:
        return {}
    rows = await session.execute(repository.readable_names(principal, set(ids)))
    return {int(row[0]): str(row[1]) for row in rows}


async def list_readable(
    session: AsyncSession, principal: Principal, page: PageParams, q: str | None
) -> tuple[list[Enterprise], int]:
    return await paginate(session, repository.enterprise_listing(principal, q), page)


async def _refuse_taken_uscc(session: AsyncSession, uscc: str) -> None:
    if await session.scalar(repository.id_by_uscc(uscc)):
        raise USCCTaken(f"an enterprise with USCC {uscc} is registered already")


async def create(session: AsyncSession, actor: Principal, data: EnterpriseCreate) -> Enterprise:
    await _refuse_taken_uscc(session, data.uscc)
    enterprise = Enterprise(**data.model_dump())
    async with audited(session, actor, "enterprise.create", enterprise, *FIELDS):
        session.add(enterprise)
    return enterprise


async def _apply(
    session: AsyncSession, actor: Principal, enterprise: Enterprise, changes: dict[str, object]
) -> Enterprise:
    async with audited(session, actor, "enterprise.update", enterprise, *changes):
        for name, value in changes.items():
            setattr(enterprise, name, value)
    return enterprise


async def update(
    session: AsyncSession, actor: Principal, enterprise_id: int, data: EnterpriseUpdate
) -> Enterprise:
    enterprise = await get_readable(session, actor, enterprise_id)
    changes = data.model_dump(exclude={"uscc"} if data.uscc is None else set())
    if data.uscc is not None and data.uscc != enterprise.uscc:  # a correction
        await _refuse_taken_uscc(session, data.uscc)
    return await _apply(session, actor, enterprise, changes)


async def update_contact(
    session: AsyncSession, actor: Principal, enterprise_id: int, data: ContactUpdate
) -> Enterprise:
    enterprise = await get_readable(session, actor, enterprise_id)
    return await _apply(session, actor, enterprise, data.model_dump(exclude_unset=True))
