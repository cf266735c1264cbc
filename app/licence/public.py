"""The public register of licensed users (HTML and its JSON twin): public fields only.

A second router file of the licence domain because it is anonymous and public (no role, the
public rate limits, pages rendered for shoppers), where ``router`` serves signed-in staff and
licensees."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep, PageParams, paginate_rows
from app.core.permissions import PUBLIC
from app.core.time import public_date, public_today
from app.credit import service as credit_service
from app.licence import repository
from app.licence.models import LicenceStatus
from app.licence.schemas import RegisterEntry
from app.web.templates import render

router = APIRouter(tags=["public"], dependencies=[PUBLIC])

ROUTE_NAMES = {
    "protected_product": ("地理标志保护产品", "Protected GI product"),
    "collective_mark": ("地理标志集体商标", "GI collective mark"),
    "certification_mark": ("地理标志证明商标", "GI certification mark"),
    "agri_product_gi": ("农产品地理标志", "Agricultural-product GI"),
}
# What a reader of the register understands, in the page's language (not the stored value).
STATUS_NAMES = {
    LicenceStatus.ACTIVE: ("有效", "In force"),
    LicenceStatus.SUSPENDED: ("暂停使用", "Suspended"),
    LicenceStatus.WITHDRAWN: ("已撤销使用资格", "Licence withdrawn"),
    LicenceStatus.EXPIRED: ("已过期", "Expired"),
}
SearchQuery = Annotated[
    str | None, Query(max_length=100, description="enterprise name, USCC or GI product")
]


def _entry(row: Any, today: date) -> RegisterEntry:
    licence, name, uscc, demo_enterprise, product = tuple(row)
    return RegisterEntry(
        enterprise_name=name,
        uscc=uscc,
        product_name_zh=product.name_zh,
        product_name_en=product.name_en,
        product_code=product.code,
        licence_number=licence.number,
        route=product.route,
        valid_from=licence.valid_from,
        valid_until=licence.valid_until,
        status=licence.effective_status(today),
        withdrawn_on=public_date(licence.withdrawn_at) if licence.withdrawn_at else None,
        is_demo=demo_enterprise or product.is_demo,
    )


async def register_page(
    session: AsyncSession, page: PageParams, q: str | None
) -> Page[RegisterEntry]:
    rows, total = await paginate_rows(session, repository.public_register(q), page)
    today = public_today()  # a licence valid "until 30 Nov" is valid all of 30 Nov in Wuyuan
    items = [_entry(row, today) for row in rows]
    listed = await credit_service.public_listings(session, {row[0].enterprise_id for row in rows})
    for row, item in zip(rows, items, strict=True):
        item.credit_listing = listed.get(row[0].enterprise_id)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/api/v1/public/register")
async def register_json(
    session: SessionDep, page: PageDep, q: SearchQuery = None
) -> Page[RegisterEntry]:
    """Every licensed user of a GI mark: enterprise, USCC, product, licence, route, validity,
    and the enterprise's credit listing while one is in force."""
    return await register_page(session, page, q)


@router.get("/public/register", response_class=HTMLResponse)
async def register_html(
    request: Request, session: SessionDep, page: PageDep, q: SearchQuery = None
) -> HTMLResponse:
    result = await register_page(session, page, q)
    context = {"page": result, "q": q or "", "routes": ROUTE_NAMES, "statuses": STATUS_NAMES}
    return render(request, "register.html", context)
