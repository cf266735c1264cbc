from __future__ import annotations

from sqlalchemy import Select, or_, select

from app.core.principal import Principal
from app.core.search import contains_text
from app.enterprise.repository import enterprises_in_reach
from app.tradeitem.models import TradeItem


def readable_items(principal: Principal) -> Select[TradeItem]:
    """The one place that scopes items: a licensee sees only its enterprise's."""
    query = select(TradeItem)
    if principal.is_licensee:
        query = query.where(TradeItem.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(TradeItem.enterprise_id.in_(reach))
    return query


def readable_item(principal: Principal, item_id: int) -> Select[TradeItem]:
    return readable_items(principal).where(TradeItem.id == item_id)


def item_listing(
    principal: Principal, enterprise_id: int | None, product_id: int | None, q: str | None = None
) -> Select[TradeItem]:
    """The items the caller may read, in id order; ``q`` a substring of the name or GTIN."""
    query = readable_items(principal).order_by(TradeItem.id)
    if q:
        query = query.where(or_(contains_text(TradeItem.name, q), contains_text(TradeItem.gtin, q)))
    if enterprise_id is not None:
        query = query.where(TradeItem.enterprise_id == enterprise_id)
    if product_id is not None:
        query = query.where(TradeItem.product_id == product_id)
    return query


def item_with_gtin(enterprise_id: int, gtin: str) -> Select[int]:
    return select(TradeItem.id).where(
        TradeItem.enterprise_id == enterprise_id, TradeItem.gtin == gtin
    )


def item_by_id(item_id: int) -> Select[TradeItem]:
    return select(TradeItem).where(TradeItem.id == item_id)
