from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.tradeitem import service
from app.tradeitem.schemas import TradeItemCreate, TradeItemRead, TradeItemUpdate

router = APIRouter(prefix="/api/v1/items", tags=["trade items"])


@router.post("", status_code=201)
async def create_item(
    session: SessionDep, actor: Annotated[Principal, permit("item.create")], body: TradeItemCreate
) -> TradeItemRead:
    """Register one of an enterprise's items under a GI product, with its GTIN (checked)."""
    return TradeItemRead.model_validate(await service.create(session, actor, body))


@router.get("")
async def list_items(
    session: SessionDep,
    actor: Annotated[Principal, permit("item.list")],
    page: PageDep,
    enterprise_id: Annotated[int | None, Query(ge=1)] = None,
    product_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[TradeItemRead]:
    rows, total = await service.list_readable(session, actor, page, enterprise_id, product_id)
    items = [TradeItemRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{item_id}")
async def get_item(
    session: SessionDep, actor: Annotated[Principal, permit("item.read")], item_id: int
) -> TradeItemRead:
    return TradeItemRead.model_validate(await service.get_readable(session, actor, item_id))


@router.put("/{item_id}")
async def update_item(
    session: SessionDep,
    actor: Annotated[Principal, permit("item.update")],
    item_id: int,
    body: TradeItemUpdate,
) -> TradeItemRead:
    """Rename an item or change its GTIN; Digital Links to its labels follow the new GTIN."""
    return TradeItemRead.model_validate(await service.update(session, actor, item_id, body))
