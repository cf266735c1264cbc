"""Admin pages for organisations (issue 14): the list, a new organisation, its edit page with
its members, and moving an account into it. Every change goes through the organisation and
auth services, audited there as on the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.console.deps import permit_console
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError, Unprocessable
from app.core.pagination import PageParams
from app.core.principal import OrgKind, Principal, Role
from app.organisation import service
from app.organisation.schemas import OrganisationFields

router = APIRouter(prefix="/console/admin/organisations", include_in_schema=False)

PAGE = "/console/admin/organisations"
FIELDS = tuple(OrganisationFields.model_fields)
KIND_NAMES: dict[str, tuple[str, str]] = {
    OrgKind.MARKET_SUPERVISION.value: ("市场监督管理局", "Market-supervision bureau"),
    OrgKind.AGRICULTURE.value: ("农业（农科）局", "Agriculture bureau"),
    OrgKind.ASSOCIATION.value: ("协会", "Association"),
    OrgKind.LABORATORY.value: ("检验检测机构", "Laboratory"),
    OrgKind.TOWNSHIP.value: ("乡镇人民政府", "Township"),
    OrgKind.PLATFORM_OPERATOR.value: ("平台运营方", "Platform operator"),
}
INVALID: dict[str, tuple[str, str]] = {
    "name_zh": ("请填写中文名称（2–200 字）。", "Give the Chinese name (2–200 characters)."),
    "kind": ("请选择机构类型。", "Choose the kind of organisation."),
    "division_code": (
        "请填写现行的 6 位行政区划代码（GB/T 2260）。",
        "Give a current six-digit GB/T 2260 division code.",
    ),
    "_form": (
        "检验检测机构须填写资质认定（CMA/CNAS）证书编号。",
        "A laboratory records its accreditation (CMA/CNAS) number.",
    ),
}


@dataclass
class Form:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Any] = field(default_factory=dict)


def _read_form(form: Any) -> dict[str, str]:
    return {name: str(form.get(name) or "").strip() for name in FIELDS}


def _validated(values: dict[str, str]) -> tuple[OrganisationFields | None, dict[str, Any]]:
    payload = {name: (value or None) for name, value in values.items()}
    payload["name_en"] = values.get("name_en", "")
    try:
        return OrganisationFields.model_validate(payload), {}
    except ValidationError as exc:
        errors: dict[str, Any] = {}
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "_form"
            errors.setdefault(name, INVALID.get(name, ("此项有误。", "This is not valid.")))
        return None, errors


async def _list_page(
    request: Request,
    session: AsyncSession,
    values: dict[str, str],
    errors: dict[str, Any],
    status: int,
) -> HTMLResponse:
    organisations, total = await service.listing(
        session, PageParams(limit=200, offset=0), None, None
    )
    context = {
        "organisations": organisations,
        "total": total,
        "kinds": KIND_NAMES,
        "form": Form(values, errors),
        "created": request.query_params.get("created"),
    }
    return render(request, "admin_organisations.html", context, status)


@router.get("", response_class=HTMLResponse)
async def organisations(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, permit_console("organisation.list")],
) -> HTMLResponse:
    return await _list_page(request, session, {}, {}, 200)


@router.post("", response_class=HTMLResponse)
async def create(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("organisation.create")],
) -> Response:
    values = _read_form(await request.form())
    data, errors = _validated(values)
    if data is None:
        return await _list_page(request, session, values, errors, 422)
    try:
        made = await service.create(session, principal, data)
    except DomainError as exc:
        return await _list_page(
            request, session, values, {"_form": (exc.detail, exc.detail)}, exc.status
        )
    return RedirectResponse(f"{PAGE}?created={made.id}", status_code=303)


async def _edit_page(
    request: Request,
    session: AsyncSession,
    organisation_id: int,
    values: dict[str, str] | None,
    errors: dict[str, Any],
    status: int,
) -> HTMLResponse:
    organisation = await service.get(session, organisation_id)
    shown = values or {
        name: "" if getattr(organisation, name) is None else str(getattr(organisation, name))
        for name in FIELDS
    }
    accounts = await auth_service.list_users(session)
    context = {
        "organisation": service.read(organisation),
        "members": [u for u in accounts if u.organisation_id == organisation.id],
        "others": [
            u
            for u in accounts
            if u.role is not Role.LICENSEE and u.organisation_id != organisation.id
        ],
        "kinds": KIND_NAMES,
        "form": Form(shown, errors),
        "saved": request.query_params.get("saved"),
    }
    return render(request, "admin_organisation.html", context, status)


@router.get("/{organisation_id}", response_class=HTMLResponse)
async def edit(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, permit_console("organisation.read")],
    organisation_id: int,
) -> HTMLResponse:
    return await _edit_page(request, session, organisation_id, None, {}, 200)


@router.post("/{organisation_id}", response_class=HTMLResponse)
async def update(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("organisation.update")],
    organisation_id: int,
) -> Response:
    values = _read_form(await request.form())
    data, errors = _validated(values)
    if data is None:
        return await _edit_page(request, session, organisation_id, values, errors, 422)
    try:
        await service.update(session, principal, organisation_id, data)
    except DomainError as exc:
        refusal = {"_form": (exc.detail, exc.detail)}
        return await _edit_page(request, session, organisation_id, values, refusal, exc.status)
    return RedirectResponse(f"{PAGE}/{organisation_id}?saved=1", status_code=303)


@router.post("/{organisation_id}/members", response_class=HTMLResponse)
async def add_member(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("user.assign_organisation")],
    organisation_id: int,
) -> Response:
    """Move a staff account into this organisation."""
    raw = str((await request.form()).get("user_id") or "")
    try:
        if not raw.isdigit():
            raise Unprocessable("choose an account")
        await auth_service.assign_organisation(session, principal, int(raw), organisation_id)
    except DomainError as exc:
        refusal = {"_form": (exc.detail, exc.detail)}
        return await _edit_page(request, session, organisation_id, None, refusal, exc.status)
    return RedirectResponse(f"{PAGE}/{organisation_id}?saved=1", status_code=303)
