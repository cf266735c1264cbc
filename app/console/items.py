"""``/console/items``: a licensee's trade items and their GTINs on a page. A licensee lists,
registers and edits its own; staff see every enterprise's (with its name) and choose the
enterprise an item is registered for, as the API allows (``/api/v1/items``).

Everything goes through ``app.tradeitem.service`` with the caller's principal: the same
scoping (another enterprise's item is a 404 to a licensee), the same GS1 check digit and
duplicate-GTIN refusal, the same audit events."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.form_flow import decide
from app.console.register_form import RegisterForm
from app.console.templates import render
from app.core.db import SessionDep
from app.core.pagination import PageParams
from app.core.permissions import can
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.registry import service as registry_service
from app.tradeitem import service as item_service
from app.tradeitem.models import TradeItem
from app.tradeitem.schemas import TradeItemCreate, TradeItemUpdate

router = APIRouter(prefix="/console/items", include_in_schema=False)

# A few dozen items per enterprise: offset pages over the id-ordered list are fine.
PAGE_SIZE = 50
# Every choice list is one page: there are a handful of GI products per bureau and a few
# hundred enterprises at most under one GI.
CHOICES = PageParams(limit=500, offset=0)
EDITABLE = ("name", "gtin")
CREATE_FIELDS = ("enterprise_id", "product_id", *EDITABLE)


async def _product_names(session: AsyncSession) -> dict[str, tuple[str, str]]:
    products, _ = await registry_service.list_products(session, CHOICES)
    return {str(p.id): (p.name_zh, p.name_en) for p in products}


async def _enterprise_names(session: AsyncSession, principal: Principal) -> dict[str, str]:
    found, _ = await enterprise_service.list_readable(session, principal, CHOICES, None)
    return {str(e.id): e.name for e in found}


@router.get("", response_class=HTMLResponse)
async def item_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("item.list")],
    q: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    page = PageParams(limit=PAGE_SIZE, offset=offset)
    found, total = await item_service.list_readable(session, principal, page, q=q.strip() or None)
    owners = {item.enterprise_id for item in found}
    context = {
        "items": found,
        "total": total,
        "q": q,
        "offset": offset,
        "size": PAGE_SIZE,
        "products": await _product_names(session),
        "may_create": can(principal, "item.create"),
        # A licensee's items are all its own: the enterprise column is for staff.
        "show_enterprise": not principal.is_licensee,
        "enterprises": await enterprise_service.names_by_id(session, principal, owners),
    }
    return render(request, "items.html", context)


def _record(item: TradeItem) -> dict[str, Any]:
    """The stored item as plain values (a refused save expires the row)."""
    return {
        "id": item.id,
        "enterprise_id": item.enterprise_id,
        "product_id": str(item.product_id),
        "name": item.name,
        "gtin": item.gtin or "",
    }


async def _page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    form: RegisterForm,
    item: dict[str, Any] | None,
    status: int = 200,
) -> HTMLResponse:
    enterprises = await _enterprise_names(session, principal)
    context = {
        "form": form,
        "item": item,
        "products": await _product_names(session),
        "enterprises": enterprises,
        # Staff name the enterprise of a new item; a licensee's is its own.
        "choose_enterprise": item is None and not principal.is_licensee,
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "item_form.html", context, status)


@router.get("/new", response_class=HTMLResponse)
async def new_item(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("item.create")],
) -> HTMLResponse:
    return await _page(request, session, principal, RegisterForm(), None)


@router.post("", response_class=HTMLResponse)
async def create_item(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("item.create")],
) -> Response:
    form = RegisterForm.from_form(await request.form(), CREATE_FIELDS)
    if principal.is_licensee:
        form.values.pop("enterprise_id", None)  # the service would ignore it anyway

    async def page(status: int) -> Response:
        return await _page(request, session, principal, form, None, status)

    return await decide(
        session,
        form,
        form.validated(TradeItemCreate, form.filled(CREATE_FIELDS)),
        lambda data: item_service.create(session, principal, data),
        page,
        lambda created: f"/console/items/{created.id}?saved=1",
    )


@router.get("/{item_id}", response_class=HTMLResponse)
async def item_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("item.read")],
    item_id: int,
) -> HTMLResponse:
    record = _record(await item_service.get_readable(session, principal, item_id))
    form = RegisterForm(values={name: record[name] for name in EDITABLE})
    return await _page(request, session, principal, form, record)


@router.post("/{item_id}", response_class=HTMLResponse)
async def update_item(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("item.update")],
    item_id: int,
) -> Response:
    record = _record(await item_service.get_readable(session, principal, item_id))
    form = RegisterForm.from_form(await request.form(), EDITABLE)

    async def page(status: int) -> Response:
        return await _page(request, session, principal, form, record, status)

    return await decide(
        session,
        form,
        # An emptied GTIN field removes the GTIN (PUT replaces both fields).
        form.validated(TradeItemUpdate, form.values),
        lambda data: item_service.update(session, principal, item_id, data),
        page,
        f"/console/items/{item_id}?saved=1",
    )
