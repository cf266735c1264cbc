"""Annual use-report pages: a licensee files its report (the refused form keeps what was typed,
with a note by the field), everyone sees the reports they may read, staff accept or return
them with a reason. The same services as the API; another enterprise's report is a 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.supervision import product_choices
from app.console.templates import render
from app.console.use_report_form import FIELDS, UseReportForm
from app.core.db import SessionDep
from app.core.errors import DomainError, Unprocessable
from app.core.pagination import PageParams
from app.core.permissions import can
from app.core.principal import Principal
from app.core.time import public_today
from app.supervision import use_reports

router = APIRouter(prefix="/console/use-reports", include_in_schema=False)

LIST = "/console/use-reports"


@router.get("", response_class=HTMLResponse)
async def report_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("use_report.list")],
    product_id: int | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> HTMLResponse:
    page = PageParams(limit=200, offset=0)
    reports, _ = await use_reports.list_readable(session, principal, page, None, None, None)
    choices = await product_choices(session)
    year = year or public_today().year - 1
    chosen = product_id or (choices[0].id if choices else None)
    missing = None
    if can(principal, "use_report.missing") and chosen is not None:
        missing = await use_reports.missing_or_late(session, chosen, year)
    context = {
        "reports": reports,
        "products": {p.id: p for p in choices},
        "product_id": chosen,
        "year": year,
        "missing": missing,
        "may_decide": can(principal, "use_report.accept"),
        "may_submit": can(principal, "use_report.submit"),
    }
    return render(request, "use_reports.html", context)


async def _form_page(
    request: Request, session: AsyncSession, form: UseReportForm, status: int
) -> HTMLResponse:
    context = {"form": form, "fields": FIELDS, "products": await product_choices(session)}
    return render(request, "use_report_form.html", context, status)


@router.get("/new", response_class=HTMLResponse)
async def report_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("use_report.submit")],
) -> HTMLResponse:
    form = UseReportForm({"year": str(public_today().year - 1)})
    return await _form_page(request, session, form, 200)


@router.post("/new", response_class=HTMLResponse)
async def submit_report(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("use_report.submit")],
) -> Response:
    form = UseReportForm.from_form(await request.form())
    data = form.validated()
    if data is None:
        return await _form_page(request, session, form, 422)
    try:
        async with session.begin_nested():
            await use_reports.submit(session, principal, data)
    except DomainError as exc:
        form.refuse(exc)
        return await _form_page(request, session, form, exc.status)
    return RedirectResponse(LIST, status_code=303)


@router.post("/{report_id}/accept")
async def accept(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("use_report.accept")],
    report_id: int,
) -> Response:
    await use_reports.accept(session, principal, report_id)
    return RedirectResponse(LIST, status_code=303)


@router.post("/{report_id}/return")
async def return_report(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("use_report.return")],
    report_id: int,
) -> Response:
    reason = str((await request.form()).get("reason") or "").strip()
    if not reason:  # the API's ReturnReason refuses it too
        raise Unprocessable("a returned report needs its reason", field="reason")
    await use_reports.return_report(session, principal, report_id, reason)
    return RedirectResponse(LIST, status_code=303)
