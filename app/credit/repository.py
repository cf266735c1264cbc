from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, or_, select

from app.core.principal import Principal
from app.core.search import contains_text
from app.credit.models import CreditListing
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach


def in_force_on(today: date) -> ColumnElement[bool]:
    """The SQL twin of :meth:`CreditListing.is_in_force`."""
    return and_(
        CreditListing.ended_at.is_(None),
        CreditListing.starts_on <= today,
        CreditListing.ends_on >= today,
    )


def readable_listings(principal: Principal) -> Select[CreditListing]:
    """The one place that scopes credit listings: a licensee sees only its enterprise's, a
    bureau those of the enterprises in its jurisdiction (the published list is public apart)."""
    query = select(CreditListing)
    if principal.is_licensee:
        query = query.where(CreditListing.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(CreditListing.enterprise_id.in_(reach))
    return query


def readable_listing(principal: Principal, listing_id: int) -> Select[CreditListing]:
    return readable_listings(principal).where(CreditListing.id == listing_id)


def listing_for_update(listing_id: int) -> Select[CreditListing]:
    return (
        select(CreditListing)
        .where(CreditListing.id == listing_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def listings(
    principal: Principal, enterprise_id: int | None, in_force: date | None
) -> Select[CreditListing]:
    """Newest first; ``in_force`` keeps only the listings in force that day."""
    query = readable_listings(principal).order_by(CreditListing.id.desc())
    if enterprise_id is not None:
        query = query.where(CreditListing.enterprise_id == enterprise_id)
    if in_force is not None:
        query = query.where(in_force_on(in_force))
    return query


def in_force_listing(enterprise_id: int, today: date) -> Select[CreditListing]:
    """The listing in force for ``enterprise_id`` that runs longest (None when none)."""
    return (
        select(CreditListing)
        .where(CreditListing.enterprise_id == enterprise_id, in_force_on(today))
        .order_by(CreditListing.ends_on.desc(), CreditListing.id.desc())
        .limit(1)
    )


def in_force_of(
    today: date, enterprise_ids: Collection[int], *, published_only: bool
) -> Select[CreditListing]:
    """The listings in force of ``enterprise_ids``, the longest-running first."""
    query = select(CreditListing).where(
        in_force_on(today), CreditListing.enterprise_id.in_(enterprise_ids)
    )
    if published_only:
        query = query.where(CreditListing.published)
    return query.order_by(CreditListing.ends_on.desc(), CreditListing.id.desc())


def public_list(today: date, q: str | None) -> Select[CreditListing, str, str, bool]:
    """The public credit list: published listings in force, with the enterprise's public
    name and USCC, newest first; ``q`` matches the name or the USCC."""
    query = (
        select(CreditListing, Enterprise.name, Enterprise.uscc, Enterprise.is_demo)
        .join(Enterprise, Enterprise.id == CreditListing.enterprise_id)
        .where(CreditListing.published, in_force_on(today))
        .order_by(CreditListing.starts_on.desc(), CreditListing.id.desc())
    )
    if q and q.strip():
        text = q.strip()
        query = query.where(
            or_(contains_text(Enterprise.name, text), contains_text(Enterprise.uscc, text))
        )
    return query
