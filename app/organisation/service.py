"""Organisations: the bodies staff accounts work for, kept by the platform's admins."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core import divisions
from app.core.errors import Conflict, NotFound
from app.core.organisations import Organisation
from app.core.pagination import PageParams, paginate
from app.core.principal import ROLE_ORG_KINDS, OrgKind, Principal
from app.organisation import repository
from app.organisation.schemas import OrganisationFields, OrganisationRead

FIELDS = tuple(OrganisationFields.model_fields)


class OrganisationNameTaken(Conflict):
    code = "organisation_name_taken"


def read(organisation: Organisation, members: int = 0) -> OrganisationRead:
    found = divisions.get(organisation.division_code)
    return OrganisationRead.model_validate(organisation).model_copy(
        update={
            "division_name": divisions.full_name(organisation.division_code) if found else "",
            "members": members,
        }
    )


async def get(session: AsyncSession, organisation_id: int) -> Organisation:
    organisation = await repository.by_id(session, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found")
    return organisation


async def listing(
    session: AsyncSession, page: PageParams, kind: OrgKind | None, division: str | None
) -> tuple[list[OrganisationRead], int]:
    prefix = divisions.prefix(division) if division and divisions.is_known(division) else division
    rows, total = await paginate(session, repository.organisation_listing(kind, prefix), page)
    counts = await repository.member_counts(session)
    return [read(row, counts.get(row.id, 0)) for row in rows], total


async def _refuse_taken_name(session: AsyncSession, name_zh: str, own_id: int | None) -> None:
    found = await repository.id_by_name(session, name_zh)
    if found is not None and found != own_id:
        raise OrganisationNameTaken(f"an organisation named {name_zh} exists (id {found})")


async def create(session: AsyncSession, actor: Principal, data: OrganisationFields) -> Organisation:
    await _refuse_taken_name(session, data.name_zh, None)
    organisation = Organisation(**data.model_dump())
    try:
        async with audited(session, actor, "organisation.create", organisation, *FIELDS):
            session.add(organisation)
    except IntegrityError as exc:  # a concurrent request took the name after the check
        raise OrganisationNameTaken(f"an organisation named {data.name_zh} exists") from exc
    return organisation


async def update(
    session: AsyncSession, actor: Principal, organisation_id: int, data: OrganisationFields
) -> Organisation:
    """Edit an organisation. Its members read and act in the new division from their next
    request; a kind their role no longer fits is refused while they are members."""
    organisation = await get(session, organisation_id)
    await _refuse_taken_name(session, data.name_zh, organisation.id)
    changes = {
        name: value
        for name, value in data.model_dump().items()
        if getattr(organisation, name) != value
    }
    if "kind" in changes:
        await _members_fit(session, organisation.id, data.kind)
    if not changes:
        return organisation
    async with audited(session, actor, "organisation.update", organisation, *changes):
        for name, value in changes.items():
            setattr(organisation, name, value)
    return organisation


async def _members_fit(session: AsyncSession, organisation_id: int, kind: OrgKind) -> None:
    misfits = [
        user.username
        for user in await repository.members(session, organisation_id)
        if user.role in ROLE_ORG_KINDS and kind not in ROLE_ORG_KINDS[user.role]
    ]
    if misfits:
        raise Conflict(
            f"members {', '.join(misfits)} cannot work for a {kind.value}: move them first"
        )
