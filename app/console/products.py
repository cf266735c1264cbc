"""``/console/products``: the GI product register on a page. Regulators list it (searched by
a substring of the name or code), register a product and edit one, the standard's test items
with their limits and unit included.

Saving calls the register's own service (``app.registry.service``): the route rules, the
unique code and the item checks refuse here as on ``PUT /api/v1/products``, by the field or
the test item row at fault, with everything typed kept."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.form_flow import decide
from app.console.product_form import (
    ITEM_FIELDS,
    QR_FORM_NAMES,
    ROUTE_NAMES,
    UNIT_NAMES,
    ProductForm,
    plain,
)
from app.console.templates import render
from app.core.db import SessionDep
from app.core.pagination import PageParams
from app.core.permissions import can
from app.core.principal import Principal
from app.registry import service as registry_service
from app.registry.models import GIProduct

router = APIRouter(prefix="/console/products", include_in_schema=False)

PAGE_SIZE = 50  # the register holds tens of products: offset pages are fine


@router.get("", response_class=HTMLResponse)
async def product_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("product.list")],
    q: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    page = PageParams(limit=PAGE_SIZE, offset=offset)
    products, total = await registry_service.list_products(session, page, q=q.strip() or None)
    context = {
        "products": products,
        "total": total,
        "q": q,
        "offset": offset,
        "size": PAGE_SIZE,
        "may_edit": can(principal, "product.update"),
        "may_create": can(principal, "product.create"),
        "routes": ROUTE_NAMES,
        "plain": plain,
    }
    return render(request, "products.html", context)


async def _page(
    request: Request,
    session: AsyncSession,
    form: ProductForm,
    product_id: int | None,
    status: int = 200,
) -> HTMLResponse:
    """The form (new when ``product_id`` is None). It shows only what the form holds, never
    the loaded product: after a refused save, that row is expired with the savepoint."""
    context: dict[str, Any] = {
        "form": form,
        "product_id": product_id,
        "saved": request.query_params.get("saved") == "1",
        "routes": ROUTE_NAMES,
        "units": UNIT_NAMES,
        "qr_forms": QR_FORM_NAMES,
        "item_fields": ITEM_FIELDS,
        "associations": {
            str(org.id): (org.name_zh, org.name_en)
            for org in await registry_service.associations(session)
        },
    }
    return render(request, "product_form.html", context, status)


async def _rows_changed(request: Request, form: ProductForm) -> bool:
    """Add or remove a test item row (a button of the form, not a save): the form again."""
    typed = await request.form()
    if typed.get("add_row"):
        form.add_row()
        return True
    removed = typed.get("remove_row")
    if isinstance(removed, str):
        form.remove_row(removed)
        return True
    return False


@router.get("/new", response_class=HTMLResponse)
async def new_product(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, permit_console("product.create")],
) -> HTMLResponse:
    return await _page(request, session, ProductForm.new(), None)


@router.post("", response_class=HTMLResponse)
async def create_product(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("product.create")],
) -> Response:
    form = ProductForm.typed(await request.form())
    if await _rows_changed(request, form):
        return await _page(request, session, form, None)

    async def page(status: int) -> Response:
        return await _page(request, session, form, None, status)

    return await decide(
        session,
        form,
        form.for_create(),
        lambda data: registry_service.create_product(session, principal, data),
        page,
        lambda product: f"/console/products/{product.id}?saved=1",
    )


async def _product(session: AsyncSession, product_id: int) -> GIProduct:
    return await registry_service.get_product(session, product_id)


@router.get("/{product_id}", response_class=HTMLResponse)
async def edit_product(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, permit_console("product.update")],
    product_id: int,
) -> HTMLResponse:
    product = await _product(session, product_id)
    return await _page(request, session, ProductForm.of(product), product_id)


@router.post("/{product_id}", response_class=HTMLResponse)
async def update_product(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("product.update")],
    product_id: int,
) -> Response:
    product = await _product(session, product_id)
    form = ProductForm.typed(await request.form(), product)
    form.values["code"] = product.code  # the code identifies the product: not editable
    if await _rows_changed(request, form):
        return await _page(request, session, form, product_id)

    async def page(status: int) -> Response:
        return await _page(request, session, form, product_id, status)

    return await decide(
        session,
        form,
        form.for_update(),
        lambda data: registry_service.update_product(
            session, principal, product_id, data, data.test_items
        ),
        page,
        f"/console/products/{product_id}?saved=1",
    )
