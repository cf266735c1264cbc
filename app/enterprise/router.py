from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.enterprise import service
from app.enterprise.schemas import ContactUpdate, EnterpriseCreate, EnterpriseRead, EnterpriseUpdate

router = APIRouter(prefix="/api/v1/enterprises", tags=["enterprises"])


@router.post("", status_code=201)
async def create_enterprise(
    session: SessionDep,
    actor: Annotated[Principal, permit("enterprise.create")],
    body: EnterpriseCreate,
) -> EnterpriseRead:
    """Register an enterprise; its USCC is checked against GB 32100-2015."""
    return EnterpriseRead.model_validate(await service.create(session, actor, body))


@router.get("")
async def list_enterprises(
    session: SessionDep,
    actor: Annotated[Principal, permit("enterprise.list")],
    page: PageDep,
    q: Annotated[str | None, Query(max_length=100, description="name or USCC contains")] = None,
) -> Page[EnterpriseRead]:
    rows, total = await service.list_readable(session, actor, page, q)
    items = [EnterpriseRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{enterprise_id}")
async def get_enterprise(
    session: SessionDep, actor: Annotated[Principal, permit("enterprise.read")], enterprise_id: int
) -> EnterpriseRead:
    return EnterpriseRead.model_validate(await service.get_readable(session, actor, enterprise_id))


@router.put("/{enterprise_id}")
async def update_enterprise(
    session: SessionDep,
    actor: Annotated[Principal, permit("enterprise.update")],
    enterprise_id: int,
    body: EnterpriseUpdate,
) -> EnterpriseRead:
    """Regulators change any registered detail; the USCC, which identifies the enterprise, only
    to correct a mistyped code (checked like a new one, audited)."""
    return EnterpriseRead.model_validate(await service.update(session, actor, enterprise_id, body))


@router.patch("/{enterprise_id}/contact")
async def update_contact(
    session: SessionDep,
    actor: Annotated[Principal, permit("enterprise.update_contact")],
    enterprise_id: int,
    body: ContactUpdate,
) -> EnterpriseRead:
    """A licensee keeps its own contact details current; nothing else is editable for it."""
    enterprise = await service.update_contact(session, actor, enterprise_id, body)
    return EnterpriseRead.model_validate(enterprise)
