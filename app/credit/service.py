"""The credit list: regulators list an enterprise for a serious violation and may end a
listing early; while one is in force, licence applications and batch requests are refused."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core.errors import Conflict, NotFound
from app.core.pagination import PageParams, paginate, paginate_rows
from app.core.principal import Principal
from app.core.time import public_today, utcnow
from app.credit import repository
from app.credit.exceptions import CreditListed
from app.credit.models import CreditListing
from app.credit.schemas import (
    CreditListingCreate,
    CreditListingRead,
    PublicCreditEntry,
    PublicListing,
)
from app.enterprise import service as enterprise_service

AUDITED = ("enterprise_id", "reason", "legal_basis", "case_number", "starts_on", "ends_on")
AUDITED_END = ("ended_at", "end_reason")


def read(listing: CreditListing, today: date | None = None) -> CreditListingRead:
    entry = CreditListingRead.model_validate(listing)
    entry.in_force = listing.is_in_force(today or public_today())
    return entry


async def get(session: AsyncSession, actor: Principal, listing_id: int) -> CreditListing:
    listing = await session.scalar(repository.readable_listing(actor, listing_id))
    if listing is None:
        raise NotFound(f"credit listing {listing_id} not found")
    return listing


async def list_readable(
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    enterprise_id: int | None = None,
    in_force_only: bool = False,
) -> tuple[list[CreditListing], int]:
    in_force = public_today() if in_force_only else None
    return await paginate(session, repository.listings(actor, enterprise_id, in_force), page)


async def add(session: AsyncSession, actor: Principal, data: CreditListingCreate) -> CreditListing:
    """List an enterprise (audited; the enterprise's right to appeal is recorded with it)."""
    await enterprise_service.get_readable(session, actor, data.enterprise_id)
    listing = CreditListing(**data.model_dump(), listed_by_id=actor.user_id)
    async with audited(session, actor, "credit.list", listing, *AUDITED, reason=data.reason):
        session.add(listing)
    return listing


async def end_early(
    session: AsyncSession, actor: Principal, listing_id: int, reason: str
) -> CreditListing:
    """End a listing before its end date (e.g. the enterprise corrected the violation and
    the bureau granted its credit repair, 信用修复)."""
    await get(session, actor, listing_id)
    listing = await session.scalar(repository.listing_for_update(listing_id))
    if listing is None:
        raise NotFound(f"credit listing {listing_id} not found")
    if listing.ended_at is not None:
        raise Conflict(f"credit listing {listing_id} was ended on {listing.ended_at:%Y-%m-%d}")
    if listing.ends_on < public_today():
        raise Conflict(f"credit listing {listing_id} ran out on {listing.ends_on.isoformat()}")
    async with audited(session, actor, "credit.end", listing, *AUDITED_END, reason=reason):
        listing.ended_at, listing.ended_by_id, listing.end_reason = utcnow(), actor.user_id, reason
    return listing


async def in_force_listing(session: AsyncSession, enterprise_id: int) -> CreditListing | None:
    return await session.scalar(repository.in_force_listing(enterprise_id, public_today()))


async def refuse_if_listed(session: AsyncSession, enterprise_id: int, what: str) -> None:
    """Raise ``credit_listed`` (409) naming the listing's reason and end date while
    ``enterprise_id`` is listed; ``what`` names the refused act."""
    listing = await in_force_listing(session, enterprise_id)
    if listing is not None:
        raise CreditListed(
            what, listing_id=listing.id, reason=listing.reason, ends_on=listing.ends_on
        )


def public(listing: CreditListing) -> PublicListing:
    return PublicListing.model_validate(listing, from_attributes=True)


async def public_listings(
    session: AsyncSession, enterprise_ids: Collection[int], *, published_only: bool = True
) -> dict[int, PublicListing]:
    """The listing in force of each enterprise among ``enterprise_ids`` that has one (the
    public register shows the published ones beside the enterprise's licences; the console's
    enterprise list every one), in one query."""
    if not enterprise_ids:
        return {}
    query = repository.in_force_of(
        public_today(), set(enterprise_ids), published_only=published_only
    )
    rows = await session.scalars(query)
    found: dict[int, PublicListing] = {}
    for listing in rows:
        found.setdefault(listing.enterprise_id, public(listing))
    return found


async def public_page(
    session: AsyncSession, page: PageParams, q: str | None
) -> tuple[list[PublicCreditEntry], int]:
    rows, total = await paginate_rows(session, repository.public_list(public_today(), q), page)
    entries = [
        PublicCreditEntry(
            **public(listing).model_dump(), enterprise_name=name, uscc=uscc, is_demo=demo
        )
        for listing, name, uscc, demo in (tuple(row) for row in rows)
    ]
    return entries, total
