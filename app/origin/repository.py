"""Every query of the origin domain. A licensee reads its own enterprise's records only, a
bureau those of the enterprises in its jurisdiction (issue 14)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.core.search import contains_text
from app.core.time import utcnow
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.origin.models import GrowingBase, Harvest, LotDraw, ProtectedAreaShape, Purchase


def _scoped(query: Select[Any], owner: Any, principal: Principal) -> Select[Any]:
    """``query`` held to the records ``principal`` may read, by their enterprise ``owner``."""
    if principal.is_licensee:
        return query.where(owner == principal.enterprise_id)
    if (reach := enterprises_in_reach(principal)) is not None:
        return query.where(owner.in_(reach))
    return query


def readable_bases(principal: Principal) -> Select[GrowingBase]:
    return _scoped(select(GrowingBase), GrowingBase.enterprise_id, principal)


def readable_base(principal: Principal, base_id: int) -> Select[GrowingBase]:
    return readable_bases(principal).where(GrowingBase.id == base_id)


def base_listing(
    principal: Principal,
    enterprise_id: int | None,
    product_id: int | None,
    q: str | None = None,
) -> Select[GrowingBase]:
    query = readable_bases(principal).order_by(GrowingBase.id)
    if enterprise_id is not None:
        query = query.where(GrowingBase.enterprise_id == enterprise_id)
    if product_id is not None:
        query = query.where(GrowingBase.product_id == product_id)
    if q:
        query = query.where(contains_text(GrowingBase.name, q))
    return query


def _drawn(column: Any) -> Any:
    """kg drawn (and not released) from the source whose id is ``column``."""
    source = LotDraw.harvest_id if column is Harvest.id else LotDraw.purchase_id
    return (
        select(func.coalesce(func.sum(LotDraw.quantity_kg), 0))
        .where(source == column, LotDraw.released_at.is_(None))
        .scalar_subquery()
    )


def harvest_listing(
    principal: Principal, base_id: int | None, enterprise_id: int | None
) -> Select[tuple[Harvest, Any]]:
    query = select(Harvest, _drawn(Harvest.id).label("drawn_kg")).order_by(
        Harvest.harvested_on.desc(), Harvest.id.desc()
    )
    query = _scoped(query, Harvest.enterprise_id, principal)
    if base_id is not None:
        query = query.where(Harvest.base_id == base_id)
    if enterprise_id is not None:
        query = query.where(Harvest.enterprise_id == enterprise_id)
    return query


def purchase_listing(
    principal: Principal, product_id: int | None, enterprise_id: int | None
) -> Select[tuple[Purchase, Any]]:
    query = select(Purchase, _drawn(Purchase.id).label("drawn_kg")).order_by(
        Purchase.purchased_on.desc(), Purchase.id.desc()
    )
    query = _scoped(query, Purchase.enterprise_id, principal)
    if product_id is not None:
        query = query.where(Purchase.product_id == product_id)
    if enterprise_id is not None:
        query = query.where(Purchase.enterprise_id == enterprise_id)
    return query


def harvest_row(principal: Principal, harvest_id: int) -> Select[tuple[Harvest, Any]]:
    return harvest_listing(principal, None, None).where(Harvest.id == harvest_id)


def purchase_row(principal: Principal, purchase_id: int) -> Select[tuple[Purchase, Any]]:
    return purchase_listing(principal, None, None).where(Purchase.id == purchase_id)


async def harvests_for_draw(
    session: AsyncSession, ids: Collection[int]
) -> dict[int, tuple[Harvest, GrowingBase]]:
    """The named harvests with their bases, locked until commit: two lots drawing on one
    harvest take turns, so each sees what the other drew."""
    if not ids:
        return {}
    query = (
        select(Harvest, GrowingBase)
        .join(GrowingBase, GrowingBase.id == Harvest.base_id)
        .where(Harvest.id.in_(sorted(ids)))
        .order_by(Harvest.id)
        .with_for_update(of=Harvest)
    )
    return {harvest.id: (harvest, base) for harvest, base in await session.execute(query)}


async def purchases_for_draw(session: AsyncSession, ids: Collection[int]) -> dict[int, Purchase]:
    if not ids:
        return {}
    query = (
        select(Purchase).where(Purchase.id.in_(sorted(ids))).order_by(Purchase.id).with_for_update()
    )
    return {purchase.id: purchase for purchase in await session.scalars(query)}


async def drawn_from(
    session: AsyncSession, harvest_ids: Collection[int], purchase_ids: Collection[int]
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """kg already drawn (not released) from each named harvest and purchase."""
    live = LotDraw.released_at.is_(None)
    harvests: dict[int, Decimal] = {}
    purchases: dict[int, Decimal] = {}
    if harvest_ids:
        query = (
            select(LotDraw.harvest_id, func.sum(LotDraw.quantity_kg))
            .where(LotDraw.harvest_id.in_(sorted(harvest_ids)), live)
            .group_by(LotDraw.harvest_id)
        )
        harvests = {int(i or 0): Decimal(str(kg)) for i, kg in await session.execute(query)}
    if purchase_ids:
        query = (
            select(LotDraw.purchase_id, func.sum(LotDraw.quantity_kg))
            .where(LotDraw.purchase_id.in_(sorted(purchase_ids)), live)
            .group_by(LotDraw.purchase_id)
        )
        purchases = {int(i or 0): Decimal(str(kg)) for i, kg in await session.execute(query)}
    return harvests, purchases


async def release_draws(session: AsyncSession, batch_id: int) -> int:
    result = await session.execute(
        update(LotDraw)
        .where(LotDraw.batch_id == batch_id, LotDraw.released_at.is_(None))
        .values(released_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def draws_of_batch(batch_id: int) -> Select[LotDraw]:
    return select(LotDraw).where(LotDraw.batch_id == batch_id).order_by(LotDraw.id)


async def area_shape(session: AsyncSession, product_id: int) -> ProtectedAreaShape | None:
    return await session.get(ProtectedAreaShape, product_id)


async def base_by_id(session: AsyncSession, base_id: int) -> GrowingBase | None:
    return await session.get(GrowingBase, base_id)


async def enterprise_exists(session: AsyncSession, enterprise_id: int) -> bool:
    found = await session.scalar(select(Enterprise.id).where(Enterprise.id == enterprise_id))
    return found is not None


async def harvested_in(session: AsyncSession, base_id: int, first: date, last: date) -> Decimal:
    """kg harvested from a base between two days, both included (a season's harvests)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Harvest.quantity_kg), 0)).where(
            Harvest.base_id == base_id, Harvest.harvested_on.between(first, last)
        )
    )
    return Decimal(str(total or 0))
