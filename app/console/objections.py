"""``/console/objections``: objection and re-test before a failure goes public (issue 14.3).

One page, what each role has to do with it:
- a licensee sees its in-gimark notifications and each failing result still in its objection
  window, with the last day, and files the objection there (reason and re-test laboratory);
- an inspector sees the re-tests assigned to their laboratory and records one on the retained
  sample (``/console/objections/{id}/retest``);
- staff see the failing results not yet final, with their window's state and deadline.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.principal import Principal
from app.inspection import objections
from app.inspection import service as inspection_service
from app.inspection.models import InspectionStage
from app.inspection.schemas import MeasuredItem, ObjectionCreate, RetestCreate

router = APIRouter(prefix="/console/objections", include_in_schema=False)

PAGE = PageParams(limit=50, offset=0)
HOME = "/console/objections"


async def _context(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    context: dict[str, Any] = {"role": principal.role.value}
    if principal.is_licensee:
        notes, _ = await objections.list_notifications(session, principal, PAGE)
        open_, _ = await inspection_service.list_readable(
            session, principal, PAGE, stage=InspectionStage.PROVISIONAL
        )
        context["notifications"] = notes
        context["windows"] = [
            (i, await objections.laboratories(session, principal, i.id)) for i in open_
        ]
    listed, _ = await objections.list_objections(session, principal, PAGE)
    context["objections"] = listed
    if principal.is_staff:
        context["pending"], _ = await objections.pending_windows(session, PAGE)
    return context


@router.get("", response_class=HTMLResponse)
async def objections_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("objection.list")],
    filed: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    context = await _context(session, principal) | {"filed": filed, "error": None}
    return render(request, "objections.html", context)


async def _refused(
    request: Request, session: AsyncSession, principal: Principal, error: str, status: int
) -> HTMLResponse:
    context = await _context(session, principal) | {"filed": None, "error": error}
    return render(request, "objections.html", context, status)


@router.post("/{inspection_id}", response_class=HTMLResponse)
async def file_objection(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection.object")],
    inspection_id: int,
) -> Response:
    form = await request.form()
    try:
        data = ObjectionCreate(
            reason=str(form.get("reason") or "").strip(),
            retest_inspector_id=int(str(form.get("retest_inspector_id") or "0")),
        )
    except (ValidationError, ValueError) as exc:
        return await _refused(request, session, principal, _first_error(exc), 422)
    try:
        async with session.begin_nested():  # a refusal leaves nothing half-written
            await objections.file_objection(session, principal, inspection_id, data)
    except DomainError as exc:
        return await _refused(request, session, principal, exc.detail, exc.status)
    return RedirectResponse(f"{HOME}?filed={inspection_id}", status_code=303)


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return "a laboratory must be chosen"


async def _retest_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    inspection_id: int,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    first = await inspection_service.get(session, principal, inspection_id)
    context = {"first": first, "error": error}
    return render(request, "retest_form.html", context, status)


@router.get("/{inspection_id}/retest", response_class=HTMLResponse)
async def retest_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection.retest")],
    inspection_id: int,
) -> HTMLResponse:
    return await _retest_page(request, session, principal, inspection_id)


@router.post("/{inspection_id}/retest", response_class=HTMLResponse)
async def record_retest(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection.retest")],
    inspection_id: int,
) -> Response:
    form = await request.form()
    first = await inspection_service.get(session, principal, inspection_id)
    try:
        items = [
            MeasuredItem(item=i.item, value=Decimal(str(form.get(f"item_{i.item}") or "")))
            for i in first.items
        ]
        data = RetestCreate(report_number=str(form.get("report_number") or "").strip(), items=items)
    except (ValidationError, InvalidOperation) as exc:
        detail = (
            _first_error(exc) if isinstance(exc, ValidationError) else "a value is not a number"
        )
        return await _retest_page(request, session, principal, inspection_id, detail, 422)
    try:
        async with session.begin_nested():
            retest = await objections.record_retest(session, principal, inspection_id, data)
    except DomainError as exc:
        page = _retest_page(request, session, principal, inspection_id, exc.detail, exc.status)
        return await page
    return RedirectResponse(f"/console/inspections/{retest.id}", status_code=303)
