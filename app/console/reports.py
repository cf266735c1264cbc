"""``/console/reports``: consumer reports on a page. Regulators list them by state (keyset
pages, newest first: the list only grows), open one with its photo and move it on
(new → investigating → resolved | dismissed) with a reason; the licensee whose label a report
concerns reads it in the API's masked copy (``report_service.view_for``): never the
informant's contact, photo or a phone number typed into the text."""

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
from app.core.pagination import MAX_CURSOR_LENGTH, CursorParams
from app.core.permissions import can
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.report import service as report_service
from app.report.models import ReportStatus
from app.report.schemas import ReportRead, ReportTransition

router = APIRouter(prefix="/console/reports", include_in_schema=False)

PAGE_SIZE = 50
TRANSITION_FIELDS = ("status", "reason", "outcome")


async def _enterprise_names(
    session: AsyncSession, principal: Principal, ids: set[int]
) -> dict[int, str]:
    names = {}
    for enterprise_id in sorted(ids):
        names[enterprise_id] = (
            await enterprise_service.get_readable(session, principal, enterprise_id)
        ).name
    return names


@router.get("", response_class=HTMLResponse)
async def report_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("report.list")],
    status: ReportStatus | None = None,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> HTMLResponse:
    page = CursorParams(limit=PAGE_SIZE, offset=0, cursor=cursor or None)
    found = await report_service.page_readable(session, principal, page, status)
    ids = {r.enterprise_id for r in found.items if r.enterprise_id is not None}
    context = {
        "reports": [report_service.view_for(principal, r) for r in found.items],
        "enterprise_of": {r.id: r.enterprise_id for r in found.items},
        "names": await _enterprise_names(session, principal, ids),
        "found": found,
        "status": status.value if status else "",
        "counts": await report_service.status_counts(session, principal),
        "first_page": cursor is None,
    }
    return render(request, "reports.html", context)


async def _page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    report_id: int,
    form: RegisterForm,
    status_code: int = 200,
) -> HTMLResponse:
    report = await report_service.get_readable(session, principal, report_id)
    view = report_service.view_for(principal, report)
    enterprise = None
    if report.enterprise_id is not None:
        names = await _enterprise_names(session, principal, {report.enterprise_id})
        enterprise = names[report.enterprise_id]
    next_states = [s.value for s in ReportStatus if report.status.can_become(s)]
    context: dict[str, Any] = {
        "view": view,
        "bureau_copy": isinstance(view, ReportRead),
        "enterprise": enterprise,
        "next_states": next_states if can(principal, "report.transition") else [],
        "form": form,
    }
    return render(request, "report_detail.html", context, status_code)


@router.get("/{report_id}", response_class=HTMLResponse)
async def report_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("report.read")],
    report_id: int,
) -> HTMLResponse:
    return await _page(request, session, principal, report_id, RegisterForm())


@router.get("/{report_id}/photo")
async def report_photo(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("report.photo")],
    report_id: int,
) -> Response:
    photo, media_type = await report_service.photo_of(session, principal, report_id)
    return Response(photo, media_type=media_type, headers={"Cache-Control": "no-store"})


@router.post("/{report_id}/transition", response_class=HTMLResponse)
async def transition(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("report.transition")],
    report_id: int,
) -> Response:
    form = RegisterForm.from_form(await request.form(), TRANSITION_FIELDS)

    async def page(status_code: int) -> Response:
        return await _page(request, session, principal, report_id, form, status_code)

    return await decide(
        session,
        form,
        form.validated(ReportTransition, form.filled(TRANSITION_FIELDS)),
        lambda data: report_service.transition(session, principal, report_id, data),
        page,
        f"/console/reports/{report_id}",
    )
