"""The admin's API over organisations (issue 14): create, list, read, edit. Accounts join one
through ``PUT /api/v1/users/{id}/organisation`` (``app.auth``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import OrgKind, Principal
from app.organisation import service
from app.organisation.schemas import OrganisationFields, OrganisationRead

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])


@router.get("")
async def list_organisations(
    session: SessionDep,
    _actor: Annotated[Principal, permit("organisation.list")],
    page: PageDep,
    kind: OrgKind | None = None,
    division: Annotated[
        str | None,
        Query(pattern=r"^[0-9]{6}$", description="GB/T 2260: this division and those below"),
    ] = None,
) -> Page[OrganisationRead]:
    items, total = await service.listing(session, page, kind, division)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", status_code=201)
async def create_organisation(
    session: SessionDep,
    actor: Annotated[Principal, permit("organisation.create")],
    body: OrganisationFields,
) -> OrganisationRead:
    return service.read(await service.create(session, actor, body))


@router.get("/{organisation_id}")
async def get_organisation(
    session: SessionDep,
    _actor: Annotated[Principal, permit("organisation.read")],
    organisation_id: int,
) -> OrganisationRead:
    return service.read(await service.get(session, organisation_id))


@router.put("/{organisation_id}")
async def update_organisation(
    session: SessionDep,
    actor: Annotated[Principal, permit("organisation.update")],
    organisation_id: int,
    body: OrganisationFields,
) -> OrganisationRead:
    return service.read(await service.update(session, actor, organisation_id, body))
