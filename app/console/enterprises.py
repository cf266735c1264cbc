"""``/console/enterprises``: the enterprise register on a page. Regulators search it by a
substring of the name or USCC, export it as CSV, register an enterprise and edit one; a
licensee sees only its own enterprise and may change its contact details, as the API allows
(``PATCH /api/v1/enterprises/{id}/contact``).

Everything goes through ``app.enterprise.service`` with the caller's principal: the same
scoping (another enterprise's page is a 404 to a licensee), the same GB 32100 check of the
USCC and the same audit events."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.csv_export import csv_response
from app.console.deps import permit_console
from app.console.form_flow import decide
from app.console.register_form import RegisterForm
from app.console.templates import render
from app.core.db import SessionDep
from app.core.pagination import PageParams
from app.core.permissions import can
from app.core.principal import Principal
from app.credit import service as credit_service
from app.enterprise import service as enterprise_service
from app.enterprise.models import Enterprise
from app.enterprise.schemas import ContactUpdate, EnterpriseCreate, EnterpriseUpdate

router = APIRouter(prefix="/console/enterprises", include_in_schema=False)

# Hundreds of enterprises per GI at most: offset pages over an index-ordered list are fine.
PAGE_SIZE = 50
EXPORT_LIMIT = 10_000
CONTACT = ("contact_name", "contact_phone", "contact_email")
FIELDS = ("name", "uscc", "address", "region", *CONTACT)
CSV_HEADER = (
    "企业名称",
    "统一社会信用代码",
    "所在地区",
    "地址",
    "联系人",
    "电话",
    "电子邮箱",
    "列入严重违法失信名单至",
)


def _query(q: str) -> str | None:
    return q.strip() or None


@router.get("", response_class=HTMLResponse)
async def enterprise_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("enterprise.list")],
    q: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    page = PageParams(limit=PAGE_SIZE, offset=offset)
    found, total = await enterprise_service.list_readable(session, principal, page, _query(q))
    listed = await credit_service.public_listings(
        session, [e.id for e in found], published_only=False
    )
    context = {
        "enterprises": found,
        "listed": listed,
        "total": total,
        "q": q,
        "offset": offset,
        "size": PAGE_SIZE,
        "may_create": can(principal, "enterprise.create"),
    }
    return render(request, "enterprises.html", context)


@router.get("/export.csv")
async def enterprise_csv(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("enterprise.list")],
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    page = PageParams(limit=EXPORT_LIMIT, offset=0)
    found, _ = await enterprise_service.list_readable(session, principal, page, _query(q))
    listed = await credit_service.public_listings(
        session, [e.id for e in found], published_only=False
    )
    rows = [
        (
            e.name,
            e.uscc,
            e.region,
            e.address,
            *(getattr(e, c) for c in CONTACT),
            listed[e.id].ends_on.isoformat() if e.id in listed else "",
        )
        for e in found
    ]
    return csv_response("enterprises.csv", CSV_HEADER, rows)


def _values(enterprise: Enterprise) -> dict[str, str]:
    return {name: str(getattr(enterprise, name) or "") for name in FIELDS}


def _page(
    request: Request,
    form: RegisterForm,
    enterprise: dict[str, Any] | None,
    status: int = 200,
    contact_form: RegisterForm | None = None,
) -> HTMLResponse:
    """``enterprise``: the stored record as plain values (a refused save expires the row)."""
    context = {
        "form": form,
        "enterprise": enterprise,
        "saved": request.query_params.get("saved") == "1",
    }
    template = "enterprise_form.html"
    if contact_form is not None:
        context["form"] = contact_form
        template = "enterprise_contact.html"
    return render(request, template, context, status)


@router.get("/new", response_class=HTMLResponse)
async def new_enterprise(
    request: Request, _principal: Annotated[Principal, permit_console("enterprise.create")]
) -> HTMLResponse:
    return _page(request, RegisterForm(values={}), None)


@router.post("", response_class=HTMLResponse)
async def create_enterprise(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("enterprise.create")],
) -> Response:
    form = RegisterForm.from_form(await request.form(), FIELDS)

    async def page(status: int) -> Response:
        return _page(request, form, None, status)

    return await decide(
        session,
        form,
        form.validated(EnterpriseCreate, form.filled(FIELDS)),
        lambda data: enterprise_service.create(session, principal, data),
        page,
        lambda created: f"/console/enterprises/{created.id}?saved=1",
    )


async def _record(
    session: AsyncSession, principal: Principal, enterprise_id: int
) -> dict[str, Any]:
    found = await enterprise_service.get_readable(session, principal, enterprise_id)
    listing = await credit_service.in_force_listing(session, found.id)
    return {
        "id": found.id,
        **_values(found),
        "credit_listing": credit_service.public(listing) if listing else None,
    }


@router.get("/{enterprise_id}", response_class=HTMLResponse)
async def enterprise_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("enterprise.read")],
    enterprise_id: int,
) -> HTMLResponse:
    """Staff get the whole record to edit; a licensee its own record, its contact editable."""
    record = await _record(session, principal, enterprise_id)
    form = RegisterForm(values={k: v for k, v in record.items() if k in FIELDS})
    if can(principal, "enterprise.update"):
        return _page(request, form, record)
    return _page(request, form, record, contact_form=form)


@router.post("/{enterprise_id}", response_class=HTMLResponse)
async def update_enterprise(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("enterprise.update")],
    enterprise_id: int,
) -> Response:
    record = await _record(session, principal, enterprise_id)
    form = RegisterForm.from_form(await request.form(), FIELDS)

    async def page(status: int) -> Response:
        return _page(request, form, record, status)

    return await decide(
        session,
        form,
        form.validated(EnterpriseUpdate, form.filled(FIELDS)),
        lambda data: enterprise_service.update(session, principal, enterprise_id, data),
        page,
        f"/console/enterprises/{enterprise_id}?saved=1",
    )


@router.post("/{enterprise_id}/contact", response_class=HTMLResponse)
async def update_contact(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("enterprise.update_contact")],
    enterprise_id: int,
) -> Response:
    record = await _record(session, principal, enterprise_id)
    form = RegisterForm.from_form(await request.form(), CONTACT)
    # An emptied field clears the stored value: every contact field is sent, empty as None.
    data = {name: form.values.get(name) or None for name in CONTACT}

    async def page(status: int) -> Response:
        return _page(request, form, record, status, contact_form=form)

    return await decide(
        session,
        form,
        form.validated(ContactUpdate, data),
        lambda data: enterprise_service.update_contact(session, principal, enterprise_id, data),
        page,
        f"/console/enterprises/{enterprise_id}?saved=1",
    )
