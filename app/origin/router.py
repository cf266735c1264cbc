from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.origin import service
from app.origin.models import Harvest, Purchase
from app.origin.schemas import (
    AreaShape,
    AreaShapeRead,
    BaseCreate,
    BaseRead,
    BaseUpdate,
    HarvestCreate,
    HarvestRead,
    PurchaseCreate,
    PurchaseRead,
)

router = APIRouter(prefix="/api/v1/origin", tags=["origin"])


def _harvest(harvest: Harvest, drawn: Decimal) -> HarvestRead:
    return HarvestRead.model_validate({**_columns(harvest), "drawn_kg": drawn})


def _purchase(purchase: Purchase, drawn: Decimal) -> PurchaseRead:
    return PurchaseRead.model_validate({**_columns(purchase), "drawn_kg": drawn})


def _columns(row: Harvest | Purchase) -> dict[str, object]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


@router.post("/bases", status_code=201)
async def create_base(
    session: SessionDep,
    actor: Annotated[Principal, permit("growing_base.create")],
    body: BaseCreate,
) -> BaseRead:
    """Register a plot or co-operative base; refused (422) outside the product's protected
    area, by division or, where both have one, by polygon."""
    return BaseRead.model_validate(await service.create_base(session, actor, body))


@router.get("/bases")
async def list_bases(
    session: SessionDep,
    actor: Annotated[Principal, permit("growing_base.list")],
    page: PageDep,
    enterprise_id: Annotated[int | None, Query(ge=1)] = None,
    product_id: Annotated[int | None, Query(ge=1)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[BaseRead]:
    rows, total = await service.list_bases(session, actor, page, enterprise_id, product_id, q)
    items = [BaseRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/bases/{base_id}")
async def get_base(
    session: SessionDep,
    actor: Annotated[Principal, permit("growing_base.read")],
    base_id: int,
) -> BaseRead:
    return BaseRead.model_validate(await service.get_base(session, actor, base_id))


@router.put("/bases/{base_id}")
async def update_base(
    session: SessionDep,
    actor: Annotated[Principal, permit("growing_base.update")],
    base_id: int,
    body: BaseUpdate,
) -> BaseRead:
    """Change a base, or upload (or drop) its polygon; checked as on registration."""
    return BaseRead.model_validate(await service.update_base(session, actor, base_id, body))


@router.post("/harvests", status_code=201)
async def record_harvest(
    session: SessionDep,
    actor: Annotated[Principal, permit("harvest.record")],
    body: HarvestCreate,
) -> HarvestRead:
    harvest = await service.record_harvest(session, actor, body)
    return _harvest(harvest, Decimal(0))


@router.get("/harvests")
async def list_harvests(
    session: SessionDep,
    actor: Annotated[Principal, permit("harvest.list")],
    page: PageDep,
    base_id: Annotated[int | None, Query(ge=1)] = None,
    enterprise_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[HarvestRead]:
    rows, total = await service.list_harvests(session, actor, page, base_id, enterprise_id)
    items = [_harvest(h, drawn) for h, drawn in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/harvests/{harvest_id}")
async def get_harvest(
    session: SessionDep,
    actor: Annotated[Principal, permit("harvest.list")],
    harvest_id: int,
) -> HarvestRead:
    return _harvest(*await service.get_harvest(session, actor, harvest_id))


@router.post("/purchases", status_code=201)
async def record_purchase(
    session: SessionDep,
    actor: Annotated[Principal, permit("purchase.record")],
    body: PurchaseCreate,
) -> PurchaseRead:
    """Raw material bought from a grower, a base or a supplier; the seller's division must
    lie inside the product's protected area."""
    purchase = await service.record_purchase(session, actor, body)
    return _purchase(purchase, Decimal(0))


@router.get("/purchases")
async def list_purchases(
    session: SessionDep,
    actor: Annotated[Principal, permit("purchase.list")],
    page: PageDep,
    product_id: Annotated[int | None, Query(ge=1)] = None,
    enterprise_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[PurchaseRead]:
    rows, total = await service.list_purchases(session, actor, page, product_id, enterprise_id)
    items = [_purchase(p, drawn) for p, drawn in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/purchases/{purchase_id}")
async def get_purchase(
    session: SessionDep,
    actor: Annotated[Principal, permit("purchase.list")],
    purchase_id: int,
) -> PurchaseRead:
    return _purchase(*await service.get_purchase(session, actor, purchase_id))


@router.put("/protected-areas/{product_id}")
async def set_area_shape(
    session: SessionDep,
    actor: Annotated[Principal, permit("protected_area.shape")],
    product_id: int,
    body: AreaShape,
) -> AreaShapeRead:
    """Upload a GI product's protected-area polygon (a bureau's GeoJSON); bases with a
    polygon are checked against it from then on."""
    return AreaShapeRead.model_validate(
        await service.set_area_shape(session, actor, product_id, body)
    )


@router.get("/protected-areas/{product_id}")
async def get_area_shape(
    session: SessionDep,
    _actor: Annotated[Principal, permit("protected_area.read")],
    product_id: int,
) -> AreaShapeRead:
    return AreaShapeRead.model_validate(await service.get_area_shape(session, product_id))
