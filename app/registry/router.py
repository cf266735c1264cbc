from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile

from app.core.db import SessionDep
from app.core.errors import NotFound
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.registry import service
from app.registry.artwork import MAX_ARTWORK_BYTES
from app.registry.exceptions import ArtworkRejected
from app.registry.models import GIProduct, LegalRoute
from app.registry.schemas import ProductCreate, ProductRead, ProductUpdate

router = APIRouter(prefix="/api/v1/products", tags=["GI products"])

# Licensees and inspectors read the register: they need the standards and test items.


def _read(product: GIProduct) -> ProductRead:
    return ProductRead.model_validate(
        {
            **{
                c: getattr(product, c)
                for c in ProductRead.model_fields
                if c not in ("test_items", "has_artwork")
            },
            "test_items": product.test_items,
            "has_artwork": product.artwork_media_type is not None,
        }
    )


@router.get("")
async def list_products(
    session: SessionDep,
    _actor: Annotated[Principal, permit("product.list")],
    page: PageDep,
    route: LegalRoute | None = None,
    q: Annotated[str | None, Query(max_length=100, description="code or name contains")] = None,
) -> Page[ProductRead]:
    rows, total = await service.list_products(session, page, route=route, q=q)
    return Page(items=[_read(p) for p in rows], total=total, limit=page.limit, offset=page.offset)


@router.post("", status_code=201)
async def create_product(
    session: SessionDep, actor: Annotated[Principal, permit("product.create")], body: ProductCreate
) -> ProductRead:
    """Register a GI product with its legal route, standard, yield and test items."""
    return _read(await service.create_product(session, actor, body))


@router.get("/{product_id}")
async def get_product(
    session: SessionDep, _actor: Annotated[Principal, permit("product.read")], product_id: int
) -> ProductRead:
    return _read(await service.get_product(session, product_id))


@router.put("/{product_id}")
async def update_product(
    session: SessionDep,
    actor: Annotated[Principal, permit("product.update")],
    product_id: int,
    body: ProductUpdate,
) -> ProductRead:
    """Replace the product's fields; test items are matched by code (kept ids), new ones added."""
    product = await service.update_product(session, actor, product_id, body, body.test_items)
    return _read(product)


@router.put("/{product_id}/artwork", status_code=204)
async def upload_artwork(
    session: SessionDep,
    actor: Annotated[Principal, permit("product.artwork")],
    product_id: int,
    file: Annotated[UploadFile, File()],
) -> Response:
    """The GI special-mark artwork printed on labels: PNG or SVG, at most 512 KB."""
    data = await file.read(MAX_ARTWORK_BYTES + 1)
    if len(data) > MAX_ARTWORK_BYTES:
        raise ArtworkRejected(f"the artwork is over the {MAX_ARTWORK_BYTES}-byte limit")
    await service.set_artwork(session, actor, product_id, data)
    return Response(status_code=204)


@router.get("/{product_id}/artwork")
async def download_artwork(
    session: SessionDep, _actor: Annotated[Principal, permit("product.read")], product_id: int
) -> Response:
    artwork = await service.get_artwork(session, product_id)
    if artwork is None:
        raise NotFound("this GI product has no artwork yet")
    data, media_type = artwork
    headers = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
    return Response(data, media_type=media_type, headers=headers)
