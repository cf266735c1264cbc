"""``/console/origin``: growing bases, harvests and purchases on one page, with a form for
each. A licensee keeps its own; staff (a bureau) see every enterprise's and name the
enterprise a base or purchase is for, as the API allows (``/api/v1/origin``).

Everything goes through ``app.origin.service`` with the caller's principal: the same scoping,
the same protected-area checks (by division, and by polygon where both exist), the same audit
events. A polygon is pasted as GeoJSON text."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.form_flow import decide
from app.console.register_form import FORM_LEVEL, RegisterForm
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.permissions import can
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.origin import service as origin_service
from app.origin.models import BaseKind, SellerKind
from app.origin.schemas import BaseCreate, HarvestCreate, PurchaseCreate
from app.registry import service as registry_service

router = APIRouter(prefix="/console/origin", include_in_schema=False)

PAGE_SIZE = 50
CHOICES = PageParams(limit=500, offset=0)
BASE_FIELDS = (
    "enterprise_id",
    "product_id",
    "name",
    "kind",
    "division_code",
    "township",
    "area_mu",
    "polygon",
)
HARVEST_FIELDS = ("base_id", "harvested_on", "quantity_kg")
PURCHASE_FIELDS = (
    "enterprise_id",
    "product_id",
    "seller_kind",
    "seller_name",
    "seller_base_id",
    "seller_enterprise_id",
    "division_code",
    "township",
    "purchased_on",
    "harvest_year",
    "quantity_kg",
)
KIND_NAMES = {
    BaseKind.PLOT.value: ("地块", "Plot"),
    BaseKind.COOPERATIVE.value: ("合作社基地", "Co-operative base"),
}
SELLER_NAMES = {
    SellerKind.GROWER.value: ("农户", "Grower"),
    SellerKind.BASE.value: ("登记的基地", "Registered base"),
    SellerKind.ENTERPRISE.value: ("供应企业", "Supplier enterprise"),
}


# The service's refusals that carry their reason (a division, the arithmetic): shown as said.
SAID_AS_IS = frozenset(
    {"origin_outside_protected_area", "harvest_beyond_yield", "invalid_geometry", "not_found"}
)


class OriginForm(RegisterForm):
    def refuse(self, exc: DomainError) -> None:
        if exc.code in SAID_AS_IS:
            name = str(exc.extra.get("field") or FORM_LEVEL)
            self.errors[name] = (exc.detail, exc.detail)
            return
        super().refuse(exc)


async def _choices(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    every_base, _ = await origin_service.list_bases(session, principal, CHOICES)
    products, _ = await registry_service.list_products(session, CHOICES)
    enterprises, _ = await enterprise_service.list_readable(session, principal, CHOICES, None)
    return {
        "base_names": {str(b.id): (f"{b.name}（{b.township}）",) * 2 for b in every_base},
        "products": {str(p.id): (p.name_zh, p.name_en) for p in products},
        "enterprises": {str(e.id): (e.name, e.name) for e in enterprises},
        "kinds": KIND_NAMES,
        "sellers": SELLER_NAMES,
        "show_enterprise": not principal.is_licensee,
    }


async def _page(
    request: Request, session: AsyncSession, principal: Principal, offset: int = 0
) -> HTMLResponse:
    page = PageParams(limit=PAGE_SIZE, offset=offset)
    bases, base_total = await origin_service.list_bases(session, principal, page)
    harvests, harvest_total = await origin_service.list_harvests(session, principal, page)
    purchases, purchase_total = await origin_service.list_purchases(session, principal, page)
    context = {
        **await _choices(session, principal),
        "bases": bases,
        "base_total": base_total,
        "harvests": harvests,
        "harvest_total": harvest_total,
        "purchases": purchases,
        "purchase_total": purchase_total,
        "offset": offset,
        "size": PAGE_SIZE,
        "may_create": can(principal, "growing_base.create"),
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "origin.html", context)


TITLES = {
    "base": ("登记基地", "Register a base"),
    "harvest": ("记录采收", "Record a harvest"),
    "purchase": ("记录收购", "Record a purchase"),
}
BLANK = {
    "base": {"kind": BaseKind.PLOT.value},
    "harvest": {},
    "purchase": {"seller_kind": SellerKind.GROWER.value},
}


async def _form_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    which: str,
    form: RegisterForm | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        **await _choices(session, principal),
        "which": which,
        "title": TITLES[which],
        "form": form or OriginForm(values=dict(BLANK[which])),
    }
    return render(request, "origin_form.html", context, status)


@router.get("/bases/new", response_class=HTMLResponse)
async def new_base(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("growing_base.create")],
) -> HTMLResponse:
    return await _form_page(request, session, principal, "base")


@router.get("/harvests/new", response_class=HTMLResponse)
async def new_harvest(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("harvest.record")],
) -> HTMLResponse:
    return await _form_page(request, session, principal, "harvest")


@router.get("/purchases/new", response_class=HTMLResponse)
async def new_purchase(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("purchase.record")],
) -> HTMLResponse:
    return await _form_page(request, session, principal, "purchase")


@router.get("", response_class=HTMLResponse)
async def origin_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("growing_base.list")],
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    return await _page(request, session, principal, offset)


def _owned(principal: Principal, form: RegisterForm, names: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = form.filled(names)
    if principal.is_licensee:
        data.pop("enterprise_id", None)  # the service would ignore it anyway
    return data


@router.post("/bases", response_class=HTMLResponse)
async def create_base(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("growing_base.create")],
) -> Response:
    form = OriginForm.from_form(await request.form(), BASE_FIELDS)
    data = _owned(principal, form, BASE_FIELDS)
    if "polygon" in data:
        try:
            data["polygon"] = json.loads(data["polygon"])
        except ValueError:
            form.errors["polygon"] = ("请粘贴 GeoJSON 文本。", "Paste GeoJSON text.")

    async def page(status: int) -> Response:
        return await _form_page(request, session, principal, "base", form, status)

    return await decide(
        session,
        form,
        form.validated(BaseCreate, data),
        lambda body: origin_service.create_base(session, principal, body),
        page,
        "/console/origin?saved=base",
    )


@router.post("/harvests", response_class=HTMLResponse)
async def record_harvest(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("harvest.record")],
) -> Response:
    form = OriginForm.from_form(await request.form(), HARVEST_FIELDS)

    async def page(status: int) -> Response:
        return await _form_page(request, session, principal, "harvest", form, status)

    return await decide(
        session,
        form,
        form.validated(HarvestCreate, form.filled(HARVEST_FIELDS)),
        lambda body: origin_service.record_harvest(session, principal, body),
        page,
        "/console/origin?saved=harvest",
    )


@router.post("/purchases", response_class=HTMLResponse)
async def record_purchase(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("purchase.record")],
) -> Response:
    form = OriginForm.from_form(await request.form(), PURCHASE_FIELDS)

    async def page(status: int) -> Response:
        return await _form_page(request, session, principal, "purchase", form, status)

    return await decide(
        session,
        form,
        form.validated(PurchaseCreate, _owned(principal, form, PURCHASE_FIELDS)),
        lambda body: origin_service.record_purchase(session, principal, body),
        page,
        "/console/origin?saved=purchase",
    )
