from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from app.auth.deps import SettingsDep
from app.core import divisions
from app.core.db import SessionDep
from app.core.errors import DomainError, NotFound
from app.core.pagination import Page, PageDep
from app.core.permissions import PUBLIC, permit
from app.core.principal import Principal
from app.core.ratelimit import HOUR, Backend, PublicLimits, Rule
from app.label.code import normalise
from app.report import form, service
from app.report.exceptions import PhotoRejected, TooManyReports
from app.report.models import ReportStatus
from app.report.photo import MAX_PHOTO_BYTES
from app.report.schemas import (
    PublicReportStatus,
    ReferralRead,
    ReferralRequest,
    ReportCreated,
    ReportForLicensee,
    ReportRead,
    ReportTransition,
)
from app.web.i18n import choose_lang
from app.web.templates import render

public = APIRouter(tags=["consumer reports"], dependencies=[PUBLIC])
router = APIRouter(prefix="/api/v1/reports", tags=["consumer reports"])

# The minimum is counted by ``form.check_description`` (a Chinese character counts two).
Text = Annotated[str, Form(min_length=1, max_length=4000)]
Optional = Annotated[str | None, Form(max_length=500)]
Division = Annotated[str | None, Form(max_length=6)]
# Long enough for a receipt typed with spaces; anything that is not one is the same 404.
Receipt = Annotated[str, Path(min_length=1, max_length=40)]
STATUS_PAGE = "/public/reports/{}"
# The receipt is in the URL: no cache keeps the page, no link passes it on, no index lists it.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _places() -> list[tuple[str, str]]:
    """The current divisions of the region (city, then its counties) for the form's list."""
    region = "150000"
    places = []
    for city in divisions.children(region):
        places.append((city.code, city.name))
        places += [
            (county.code, f"{city.name}{county.name}") for county in divisions.children(city.code)
        ]
    return places


async def _limit_reports_about(request: Request, code: str | None) -> None:
    """Reports about one code, from everyone together, per hour: one product's report spam
    cannot bury the bureau's queue. (Reports per source are limited by the middleware.)"""
    normalised = normalise(code)[:20] if code and code.strip() else None
    if not normalised:
        return
    backend: Backend = request.app.state.rate_limiter
    limits: PublicLimits = request.app.state.public_limits
    rule = Rule(limits.reports_per_code_per_hour, HOUR)
    decision = await backend.hit(f"report-code:{normalised}", rule)
    if not decision.allowed:
        raise TooManyReports(
            "this code has been reported many times in the last hour and the bureau has those"
            f" reports; try again in {decision.retry_after} s or call 12315",
            retry_after=decision.retry_after,
        )


async def _photo_bytes(photo: UploadFile | None) -> bytes | None:
    if photo is None or not photo.filename:
        return None
    data = await photo.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("photo_too_large", "the photo is larger than 5 MB")
    return data or None


@public.post("/api/v1/reports", status_code=201)
async def file_report(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    what_was_seen: Text,
    code: Annotated[str | None, Form(max_length=40)] = None,
    where_bought: Optional = None,
    contact: Annotated[str | None, Form(max_length=200)] = None,
    photo: Annotated[UploadFile | None, File()] = None,
    where_bought_division: Division = None,
) -> ReportCreated:
    """Report a suspected fake or a problem with a GI product (multipart form).
    ``where_bought_division`` is the GB/T 2260 code of the place of purchase (optional). The
    answer carries the receipt number: the one key to the report's public status page."""
    await _limit_reports_about(request, code)
    data = await _photo_bytes(photo)
    filed = await service.file_report(
        session,
        code,
        what_was_seen,
        where_bought,
        contact,
        data,
        where_bought_division=where_bought_division,
        finish_working_days=settings.report_finish_working_days,
    )
    report = filed.report
    return ReportCreated(
        id=report.id,
        status=report.status,
        receipt=filed.receipt,
        status_url=STATUS_PAGE.format(filed.receipt),
        accept_by=report.accept_by,
        finish_by=report.finish_by,
    )


@public.get("/report", response_class=HTMLResponse)
async def report_form(request: Request, code: str = "") -> HTMLResponse:
    context = {"typed": {"code": code[:40]}, "submitted": None, "places": _places()}
    return render(request, "report.html", context)


def _form_again(
    request: Request, typed: dict[str, str], error: str, photo: bool, status: int = 422
) -> HTMLResponse:
    """The same form, in its language, with everything typed; a photo is never echoed back."""
    context = {
        "typed": typed,
        "submitted": None,
        "error": error,
        "photo_dropped": photo,
        "places": _places(),
    }
    return render(request, "report.html", context, status_code=status)


@public.post("/report", response_class=HTMLResponse)
async def report_form_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    what_was_seen: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    where_bought: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    photo: Annotated[UploadFile | None, File()] = None,
    where_bought_division: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The HTML twin of ``POST /api/v1/reports``: every refusal comes back on the form."""
    typed = {
        "code": code,
        "what_was_seen": what_was_seen,
        "where_bought": where_bought,
        "contact": contact,
        "where_bought_division": where_bought_division,
    }
    had_photo = photo is not None and bool(photo.filename)
    lang = choose_lang(request)
    if (field := form.too_long(typed)) is not None:
        return _form_again(request, typed, form.too_long_message(lang, field), had_photo)
    try:
        await _limit_reports_about(request, code)
        data = await _photo_bytes(photo)
        filed = await service.file_report(
            session,
            code or None,
            what_was_seen,
            where_bought or None,
            contact or None,
            data,
            where_bought_division=where_bought_division or None,
            finish_working_days=settings.report_finish_working_days,
        )
    except DomainError as refusal:
        message = form.refusal_message(lang, refusal)
        page = _form_again(request, typed, message, had_photo, refusal.status)
        if "retry_after" in refusal.extra:
            page.headers["Retry-After"] = str(refusal.extra["retry_after"])
        return page
    context = {
        "submitted": filed.report.id,
        "receipt": filed.receipt,
        "status_url": STATUS_PAGE.format(filed.receipt),
        "report": filed.report,
        "typed": {},
    }
    return render(request, "report.html", context)


@public.get("/api/v1/public/reports/{receipt}", responses={404: {"description": "no such receipt"}})
async def report_status_json(
    session: SessionDep, response: Response, receipt: Receipt
) -> PublicReportStatus:
    """A report's progress, for whoever holds its receipt number: status, dates, statutory
    deadlines, where it is handled, the outcome. Never the contact, photo or text."""
    found = await service.public_status(session, receipt)
    response.headers.update(PRIVATE)
    return found


@public.get(
    "/public/reports",
    response_class=HTMLResponse,
    responses={
        404: {"description": "no such receipt: the form again", "content": {"text/html": {}}}
    },
)
async def report_lookup(
    request: Request,
    session: SessionDep,
    receipt: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """Where a reporter types the receipt number; with ``receipt``, its status page. A number
    that opens no report shows the form again, with what was typed and a 404."""
    typed = (receipt or "").strip()
    if typed:
        try:
            return await report_status_page(request, session, typed)
        except NotFound:
            page = render(request, "report_status.html", {"found": None, "unknown": typed}, 404)
            page.headers.update(PRIVATE)
            return page
    page = render(request, "report_status.html", {"found": None})
    page.headers.update(PRIVATE)
    return page


@public.get(
    "/public/reports/{receipt}",
    response_class=HTMLResponse,
    responses={404: {"description": "no such receipt", "content": {"text/html": {}}}},
)
async def report_status_page(
    request: Request, session: SessionDep, receipt: Receipt
) -> HTMLResponse:
    """The HTML twin of ``/api/v1/public/reports/{receipt}``."""
    found = await service.public_status(session, receipt)
    page = render(request, "report_status.html", {"found": found})
    page.headers.update(PRIVATE)
    return page


@router.get("")
async def list_reports(
    session: SessionDep,
    actor: Annotated[Principal, permit("report.list")],
    page: PageDep,
    status: ReportStatus | None = None,
    sort: Literal["-id", "due"] = "-id",
) -> Page[ReportRead | ReportForLicensee]:
    """Newest first; ``sort=due`` is the work queue: open reports, the soonest statutory
    deadline first, so every overdue one (``overdue: true``) leads."""
    rows, total = await service.list_readable(session, actor, page, status, sort)
    items = [service.view_for(actor, r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{report_id}")
async def get_report(
    session: SessionDep, actor: Annotated[Principal, permit("report.read")], report_id: int
) -> ReportRead | ReportForLicensee:
    """The bureau reads the whole report; the licensee concerned reads it without the
    informant's contact, photo or any phone number or e-mail typed into the text."""
    return service.view_for(actor, await service.get_readable(session, actor, report_id))


@router.get("/{report_id}/photo")
async def get_photo(
    session: SessionDep, _actor: Annotated[Principal, permit("report.photo")], report_id: int
) -> Response:
    photo, media_type = await service.photo_of(session, _actor, report_id)
    return Response(photo, media_type=media_type)


@router.post("/{report_id}/transition")
async def transition(
    session: SessionDep,
    actor: Annotated[Principal, permit("report.transition")],
    report_id: int,
    body: ReportTransition,
) -> ReportRead:
    """Work a report: new → investigating → resolved | dismissed. ``reason`` (audited) is
    required to resolve or dismiss; ``outcome`` is what the licensee may read; optionally
    link the inspection or revocation it led to."""
    return service.staff_view(await service.transition(session, actor, report_id, body))


@router.post("/{report_id}/refer")
async def refer(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("report.refer")],
    report_id: int,
    body: ReferralRequest,
) -> ReportRead:
    """Refer an open report to another jurisdiction (a GB/T 2260 code, e.g. the county of the
    place of sale) with a reason (audited). It becomes new there and both statutory clocks
    restart from today."""
    report = await service.refer(
        session, actor, report_id, body, settings.report_finish_working_days
    )
    return service.staff_view(report)


@router.get("/{report_id}/referrals")
async def list_referrals(
    session: SessionDep,
    actor: Annotated[Principal, permit("report.refer_list")],
    report_id: int,
) -> list[ReferralRead]:
    """Where the report has been referred, oldest first: from, to, reason, when."""
    return await service.referrals(session, actor, report_id)
