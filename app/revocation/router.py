"""Revocations by regulators (a batch or single labels) and their audited reversal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.revocation import service
from app.revocation.models import RevocationScope
from app.revocation.schemas import Reversal, RevocationCreate, RevocationRead

router = APIRouter(prefix="/api/v1/revocations", tags=["revocations"])


@router.post("", status_code=201)
async def revoke(
    session: SessionDep,
    actor: Annotated[Principal, permit("revocation.create")],
    body: RevocationCreate,
) -> RevocationRead:
    """Revoke a whole batch or single labels (listed, or every unit of a carton or pallet),
    with reason, legal basis and case number.
    From the commit on, the public verdict of the affected labels is ``revoked``."""
    if RevocationScope(body.scope) is RevocationScope.BATCH:
        revocation = await service.revoke_batch(session, actor, body.batch_id or 0, body)
    elif body.package is not None:
        revocation = await service.revoke_package(session, actor, body.package, body)
    else:
        revocation = await service.revoke_labels(session, actor, body.codes or [], body)
    return RevocationRead.model_validate(revocation)


@router.get("")
async def list_revocations(
    session: SessionDep,
    actor: Annotated[Principal, permit("revocation.list")],
    page: PageDep,
    scope: RevocationScope | None = None,
    batch_id: int | None = None,
) -> Page[RevocationRead]:
    rows, total = await service.list_readable(session, actor, page, scope, batch_id)
    items = [RevocationRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{revocation_id}")
async def get_revocation(
    session: SessionDep, actor: Annotated[Principal, permit("revocation.read")], revocation_id: int
) -> RevocationRead:
    return RevocationRead.model_validate(await service.get(session, actor, revocation_id))


@router.post("/{revocation_id}/reverse")
async def reverse(
    session: SessionDep,
    actor: Annotated[Principal, permit("revocation.reverse")],
    revocation_id: int,
    body: Reversal,
) -> RevocationRead:
    """Reverse a revocation found to be wrong (audited and published). A recall cannot be
    reversed; it is not a revocation."""
    return RevocationRead.model_validate(
        await service.reverse(session, actor, revocation_id, body.reason)
    )
