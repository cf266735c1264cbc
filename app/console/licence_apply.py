"""``/console/licences/new``: apply for a licence, through the same service as
``POST /api/v1/licences`` (so the same duplicate check, scoping and audit event). A licensee
applies for its own enterprise; staff choose the enterprise they apply for. On success the
browser goes to the new licence's page (Post/Redirect/Get)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.apply_form import ApplyForm
from app.console.deps import permit_console
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.licence import service as licence_service
from app.registry import service as registry_service

# ``/new`` must be matched before ``/{licence_id}`` (app.console.decisions): this router is
# listed first in app.console.router.ROUTERS.
router = APIRouter(prefix="/console/licences", include_in_schema=False)

CHOICES = PageParams(limit=200, offset=0)  # GI products and enterprises: small registers


async def _choices(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    products, _ = await registry_service.list_products(session, CHOICES)
    enterprises: list[Any] = []
    if not principal.is_licensee:
        enterprises, _ = await enterprise_service.list_readable(session, principal, CHOICES, None)
    return {"products": products, "enterprises": enterprises}


async def _form_page(
    request: Request, session: AsyncSession, principal: Principal, form: ApplyForm, status: int
) -> HTMLResponse:
    context = {"form": form, **await _choices(session, principal)}
    return render(request, "licence_apply.html", context, status)


@router.get("/new", response_class=HTMLResponse)
async def apply_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.apply")],
) -> HTMLResponse:
    return await _form_page(request, session, principal, ApplyForm(), 200)


@router.post("/new", response_class=HTMLResponse)
async def apply(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.apply")],
) -> Response:
    form = ApplyForm.from_form(await request.form())
    data = form.validated(for_staff=not principal.is_licensee)
    if data is None:
        return await _form_page(request, session, principal, form, 422)
    try:
        async with session.begin_nested():  # a refusal leaves nothing half-written
            licence = await licence_service.apply(session, principal, data)
    except DomainError as exc:
        form.refuse(exc)
        return await _form_page(request, session, principal, form, exc.status)
    return RedirectResponse(f"/console/licences/{licence.id}", status_code=303)
