"""The public credit list (HTML and its JSON twin): published listings in force.

A second router file of the credit domain because it is anonymous and public, like the
register of licensed users (``app.licence.public``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import PUBLIC
from app.credit import service
from app.credit.schemas import PublicCreditEntry
from app.web.templates import render

router = APIRouter(tags=["public"], dependencies=[PUBLIC])
SearchQuery = Annotated[str | None, Query(max_length=100, description="enterprise name or USCC")]


@router.get("/api/v1/public/credit-list")
async def credit_list_json(
    session: SessionDep, page: PageDep, q: SearchQuery = None
) -> Page[PublicCreditEntry]:
    """Enterprises on the credit list today: reason, legal basis, case number, dates."""
    items, total = await service.public_page(session, page, q)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/public/credit-list", response_class=HTMLResponse)
async def credit_list_html(
    request: Request, session: SessionDep, page: PageDep, q: SearchQuery = None
) -> HTMLResponse:
    items, total = await service.public_page(session, page, q)
    result = Page[PublicCreditEntry](items=items, total=total, limit=page.limit, offset=page.offset)
    return render(request, "credit_list.html", {"page": result, "q": q or ""})
