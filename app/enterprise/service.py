from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core import divisions
from app.core.errors import Forbidden, NotFound, Unprocessable
from app.core.pagination import PageParams, paginate
from app.core.permissions import can
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


def uscc_division(uscc: str) -> str | None:
    """Today's division of the office that registered ``uscc`` (characters 3–8), if exactly
    one: a code abolished since may have passed to several."""
    found = divisions.current_equivalents(uscc[2:8])
    return found[0] if len(found) == 1 else None


def _check_jurisdiction(actor: Principal, enterprise: Enterprise) -> None:
    if not can(actor, "enterprise.read", enterprise):
        raise Forbidden(
            f"division {enterprise.division_code} lies outside this organisation's division "
            f"({actor.division_code})"
        )


async def create(session: AsyncSession, actor: Principal, data: EnterpriseCreate) -> Enterprise:
    await _refuse_taken_uscc(session, data.uscc)
    enterprise = Enterprise(**data.model_dump())
    enterprise.division_code = data.division_code or uscc_division(data.uscc)
    if enterprise.division_code is None:
        raise Unprocessable(
            "give the division_code of the registered address: the USCC's registration "
            "office names no single current division",
            field="division_code",
        )
    _check_jurisdiction(actor, enterprise)
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
    kept = {name for name in ("uscc", "division_code") if getattr(data, name) is None}
    changes = data.model_dump(exclude=kept)
    if data.uscc is not None and data.uscc != enterprise.uscc:  # a correction
        await _refuse_taken_uscc(session, data.uscc)
    if data.division_code is not None and not actor.reaches(data.division_code):
        raise Forbidden(f"division {data.division_code} lies outside this organisation's division")
    return await _apply(session, actor, enterprise, changes)


async def update_contact(
    session: AsyncSession, actor: Principal, enterprise_id: int, data: ContactUpdate
) -> Enterprise:
    enterprise = await get_readable(session, actor, enterprise_id)
    return await _apply(session, actor, enterprise, data.model_dump(exclude_unset=True))
