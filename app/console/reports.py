"""``/console/reports``: consumer reports on a page. Regulators list them by state (keyset
pages, newest first: the list only grows) or as the work queue (``sort=due``: open reports,
the soonest statutory deadline first, so the overdue lead, each with its deadline and an
overdue badge), open one with its photo and move it on (new → investigating → resolved |
dismissed) with a reason, or refer it to another jurisdiction; the licensee whose label a
report concerns reads it in the API's masked copy (``report_service.view_for``): never the
informant's contact, photo or a phone number typed into the text."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import SettingsDep
from app.console.deps import permit_console
from app.console.form_flow import decide
from app.console.listing import ListSpec, ListState, csv_response, every_page
from app.console.queues import Names
from app.console.register_form import RegisterForm
from app.console.templates import local_time, render
from app.core import divisions
from app.core.db import SessionDep
from app.core.pagination import CursorParams, KeysetSlice
from app.core.permissions import can
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.report import service as report_service
from app.report.models import ConsumerReport, ReportStatus
from app.report.schemas import ReferralRequest, ReportForLicensee, ReportRead, ReportTransition

router = APIRouter(prefix="/console/reports", include_in_schema=False)

TRANSITION_FIELDS = ("status", "reason", "outcome")
REFER_FIELDS = ("to_division", "reason")


def place(code: str | None) -> str:
    """A division code with its full name (a code not in the table shows as it is)."""
    if not code:
        return ""
    return f"{divisions.full_name(code)}（{code}）" if divisions.get(code) else code


async def _enterprise_names(
    session: AsyncSession, principal: Principal, ids: set[int]
) -> dict[int, str]:
    names = {}
    for enterprise_id in sorted(ids):
        names[enterprise_id] = (
            await enterprise_service.get_readable(session, principal, enterprise_id)
        ).name
    return names


# "due" is the work queue (open reports with a deadline, the soonest first).
REPORT_LIST = ListSpec("/console/reports", sorts=("-id", "id", "due"), filters=("status",))
# The licensee's CSV is its masked copy (``ReportForLicensee``): no contact column at all.
LICENSEE_CSV_HEADER = (
    "编号 id",
    "收到时间 received",
    "状态 status",
    "企业 enterprise",
    "标签码 code",
    "所见情况 what was seen",
    "购买地点 where bought",
    "处理结果 outcome",
    "受理期限 accept by",
    "办结期限 finish by",
    "逾期 overdue",
)
BUREAU_CSV_HEADER = (*LICENSEE_CSV_HEADER, "办理辖区 handling division", "联系方式 contact")


def _status(state: ListState) -> ReportStatus | None:
    wanted = state.filter("status")
    return ReportStatus(wanted) if wanted in {s.value for s in ReportStatus} else None


def _csv_line(view: ReportRead | ReportForLicensee, enterprise: str) -> tuple[Any, ...]:
    line = (
        view.id,
        local_time(view.created_at),
        view.status.value,
        enterprise,
        view.code,
        view.what_was_seen,
        view.where_bought,
        view.outcome,
        view.accept_by,
        view.finish_by,
        "是 yes" if view.overdue else "",
    )
    if isinstance(view, ReportRead):
        return (*line, view.handling_division, view.contact)
    return line


@router.get("", response_class=HTMLResponse, response_model=None)
async def report_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("report.list")],
) -> Response:
    """Keyset pages of the caller's reports, searched by label code or enterprise (the bureau
    also by what the consumer wrote), filtered by state; the licensee's rows, on the page and
    in the CSV, are the masked copy."""
    state = REPORT_LIST.read(request)
    names = Names(session, principal)

    async def fetch(page: CursorParams) -> KeysetSlice[ConsumerReport]:
        return await report_service.page_readable(
            session, principal, page, _status(state), state.q or None, state.sort
        )

    if state.wants_csv:
        every = await every_page(fetch)
        await names.preload(r.enterprise_id for r in every)
        rows = [
            _csv_line(
                report_service.view_for(principal, r), await names.enterprise(r.enterprise_id)
            )
            for r in every
        ]
        header = LICENSEE_CSV_HEADER if principal.is_licensee else BUREAU_CSV_HEADER
        return csv_response("consumer-reports", header, rows)
    found = await fetch(state.params())
    await names.preload(r.enterprise_id for r in found.items)
    lines = [
        {
            "report": report_service.view_for(principal, r),
            "enterprise": await names.enterprise(r.enterprise_id),
        }
        for r in found.items
    ]
    context = {
        "list": state,
        "found": found,
        "lines": lines,
        "bureau": not principal.is_licensee,
        "counts": await report_service.status_counts(session, principal),
        "queue_url": state.url(sort="due"),
    }
    return render(request, "reports.html", context)


async def _page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    report_id: int,
    form: RegisterForm,
    status_code: int = 200,
    refer_form: RegisterForm | None = None,
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
        "place": place,
        "may_refer": can(principal, "report.refer") and not report.status.is_closed,
        "refer_form": refer_form or RegisterForm(),
        "referrals": (
            await report_service.referrals(session, principal, report_id)
            if can(principal, "report.refer_list")
            else []
        ),
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


@router.post("/{report_id}/refer", response_class=HTMLResponse)
async def refer(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal, permit_console("report.refer")],
    report_id: int,
) -> Response:
    """Refer the report to another jurisdiction; refusals come back by their field."""
    form = RegisterForm.from_form(await request.form(), REFER_FIELDS)

    async def page(status_code: int) -> Response:
        return await _page(
            request, session, principal, report_id, RegisterForm(), status_code, refer_form=form
        )

    return await decide(
        session,
        form,
        form.validated(ReferralRequest, form.filled(REFER_FIELDS)),
        lambda data: report_service.refer(
            session, principal, report_id, data, settings.report_finish_working_days
        ),
        page,
        f"/console/reports/{report_id}",
    )
