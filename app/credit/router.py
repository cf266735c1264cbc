"""The credit list for signed-in users: regulators list and end; a licensee reads its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.credit import service
from app.credit.schemas import CreditListingCreate, CreditListingEnd, CreditListingRead

router = APIRouter(prefix="/api/v1/credit-listings", tags=["credit list"])
ListingId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("", status_code=201)
async def add_listing(
    session: SessionDep,
    actor: Annotated[Principal, permit("credit.list")],
    body: CreditListingCreate,
) -> CreditListingRead:
    """Put an enterprise on the credit list (严重违法失信名单) with reason, legal basis, case
    number and dates. While it is in force the enterprise may not apply for a licence or
    request batches (problem ``credit_listed``); its licences and verdicts are unchanged."""
    return service.read(await service.add(session, actor, body))


@router.get("")
async def list_listings(
    session: SessionDep,
    actor: Annotated[Principal, permit("credit.read")],
    page: PageDep,
    enterprise_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    in_force: Annotated[bool, Query(description="only the listings in force today")] = False,
) -> Page[CreditListingRead]:
    """Newest first; a licensee sees its own enterprise's listings only."""
    rows, total = await service.list_readable(session, actor, page, enterprise_id, in_force)
    items = [service.read(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{listing_id}")
async def get_listing(
    session: SessionDep,
    actor: Annotated[Principal, permit("credit.read")],
    listing_id: ListingId,
) -> CreditListingRead:
    return service.read(await service.get(session, actor, listing_id))


@router.post("/{listing_id}/end")
async def end_listing(
    session: SessionDep,
    actor: Annotated[Principal, permit("credit.end")],
    listing_id: ListingId,
    body: CreditListingEnd,
) -> CreditListingRead:
    """End a listing before its end date (audited, with the reason)."""
    return service.read(await service.end_early(session, actor, listing_id, body.reason))
