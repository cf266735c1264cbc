"""A licensee's trade items and their GTINs: a licensee keeps its own, staff any enterprise's.

An item's GTIN is part of every verdict reached through a GS1 Digital Link (``mismatch`` when
the link's GTIN is not the label's item's), so changing it is a verdict-changing act."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core.errors import NotFound, Unprocessable
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.registry import service as registry_service
from app.tradeitem import repository
from app.tradeitem.exceptions import GTINTaken, ItemNotForThisLicence
from app.tradeitem.models import TradeItem
from app.tradeitem.schemas import TradeItemCreate, TradeItemUpdate

AUDITED = ("enterprise_id", "product_id", "name", "gtin")


async def get_readable(session: AsyncSession, principal: Principal, item_id: int) -> TradeItem:
    item = await session.scalar(repository.readable_item(principal, item_id))
    if item is None:
        raise NotFound(f"item {item_id} not found")
    return item


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    enterprise_id: int | None = None,
    product_id: int | None = None,
    q: str | None = None,
) -> tuple[list[TradeItem], int]:
    query = repository.item_listing(principal, enterprise_id, product_id, q)
    return await paginate(session, query, page)


async def _refuse_taken_gtin(
    session: AsyncSession, enterprise_id: int, gtin: str | None, item_id: int | None = None
) -> None:
    if gtin is None:
        return
    taken = await session.scalar(repository.item_with_gtin(enterprise_id, gtin))
    if taken is not None and taken != item_id:
        raise GTINTaken(f"GTIN {gtin} is already item {taken}'s", field="gtin")


def _owner(actor: Principal, data: TradeItemCreate) -> int:
    """A licensee's items are its own enterprise's, whatever it names; staff must name one."""
    if actor.is_licensee:
        assert actor.enterprise_id is not None  # a licensee principal always has one
        return actor.enterprise_id
    if data.enterprise_id is None:
        raise Unprocessable("name the enterprise the item belongs to", field="enterprise_id")
    return data.enterprise_id


async def create(session: AsyncSession, actor: Principal, data: TradeItemCreate) -> TradeItem:
    enterprise = await enterprise_service.get_readable(session, actor, _owner(actor, data))
    product = await registry_service.get_product(session, data.product_id)
    await _refuse_taken_gtin(session, enterprise.id, data.gtin)
    item = TradeItem(
        enterprise_id=enterprise.id, product_id=product.id, name=data.name, gtin=data.gtin
    )
    async with audited(session, actor, "item.create", item, *AUDITED):
        session.add(item)
    return item


async def update(
    session: AsyncSession, actor: Principal, item_id: int, data: TradeItemUpdate
) -> TradeItem:
    item = await get_readable(session, actor, item_id)
    await _refuse_taken_gtin(session, item.enterprise_id, data.gtin, item.id)
    async with audited(session, actor, "item.update", item, *AUDITED):
        item.name, item.gtin = data.name, data.gtin
    return item


async def item_for_batch(
    session: AsyncSession, actor: Principal, item_id: int, enterprise_id: int, product_id: int
) -> TradeItem:
    """The item a batch under a licence of ``enterprise_id`` for ``product_id`` packs: 404 for
    an item the actor may not read, 422 for one of another enterprise or GI product."""
    item = await get_readable(session, actor, item_id)
    if item.enterprise_id != enterprise_id or item.product_id != product_id:
        raise ItemNotForThisLicence(
            f"item {item_id} is not one of this licence's enterprise's items of its GI product",
            field="item_id",
        )
    return item


async def gtin_of(session: AsyncSession, item_id: int | None) -> str | None:
    """The GTIN of a batch's item (``None`` without an item or without a GTIN)."""
    if item_id is None:
        return None
    item = await session.scalar(repository.item_by_id(item_id))
    return item.gtin if item is not None else None
