from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from app.auth.deps import PUBLIC, Staff, require_roles
from app.auth.models import Role
from app.auth.principal import Principal
from app.core.db import SessionDep
from app.core.errors import DomainError, NotFound
from app.core.pagination import Page, PageDep, paginate
from app.report import service
from app.report.models import ConsumerReport, ReportStatus
from app.report.photo import MAX_PHOTO_BYTES, PhotoRejected
from app.report.schemas import ReportCreated, ReportRead, ReportTransition
from app.web.templates import render

public = APIRouter(tags=["consumer reports"], dependencies=[PUBLIC])
router = APIRouter(prefix="/api/v1/reports", tags=["consumer reports"])
Reader = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.REGULATOR, Role.LICENSEE))]

Text = Annotated[str, Form(min_length=5, max_length=4000)]
Optional = Annotated[str | None, Form(max_length=500)]


async def _photo_bytes(photo: UploadFile | None) -> bytes | None:
    if photo is None or not photo.filename:
        return None
    data = await photo.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("photo_too_large", "the photo is larger than 5 MB")
    return data or None


@public.post("/api/v1/reports", status_code=201)
async def file_report(
    session: SessionDep,
    what_was_seen: Text,
    code: Annotated[str | None, Form(max_length=40)] = None,
    where_bought: Optional = None,
    contact: Annotated[str | None, Form(max_length=200)] = None,
    photo: Annotated[UploadFile | None, File()] = None,
) -> ReportCreated:
    """Report a suspected fake or a problem with a GI product (multipart form)."""
    data = await _photo_bytes(photo)
    report = await service.file_report(session, code, what_was_seen, where_bought, contact, data)
    return ReportCreated(id=report.id, status=report.status)


@public.get("/report", response_class=HTMLResponse)
async def report_form(request: Request, code: str = "") -> HTMLResponse:
    return render(request, "report.html", {"code": code[:40], "submitted": None, "error": None})


@public.post("/report", response_class=HTMLResponse)
async def report_form_submit(
    request: Request,
    session: SessionDep,
    what_was_seen: Annotated[str, Form(max_length=4000)],
    code: Annotated[str | None, Form(max_length=40)] = None,
    where_bought: Optional = None,
    contact: Annotated[str | None, Form(max_length=200)] = None,
    photo: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    try:
        data = await _photo_bytes(photo)
        report = await service.file_report(
            session, code, what_was_seen, where_bought, contact, data
        )
    except DomainError as refusal:
        context = {"code": code or "", "submitted": None, "error": refusal.detail}
        return render(request, "report.html", context, status_code=refusal.status)
    return render(request, "report.html", {"submitted": report.id, "code": "", "error": None})


@router.get("")
async def list_reports(
    session: SessionDep, actor: Reader, page: PageDep, status: ReportStatus | None = None
) -> Page[ReportRead]:
    query = service.readable_reports(actor).order_by(ConsumerReport.id.desc())
    if status is not None:
        query = query.where(ConsumerReport.status == status)
    rows, total = await paginate(session, query, page)
    items = [ReportRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{report_id}")
async def get_report(session: SessionDep, actor: Reader, report_id: int) -> ReportRead:
    return ReportRead.model_validate(await service.get_readable(session, actor, report_id))


@router.get("/{report_id}/photo")
async def get_photo(session: SessionDep, _actor: Staff, report_id: int) -> Response:
    report = await service.get_readable(session, _actor, report_id)
    await session.refresh(report, ["photo"])
    if not report.photo or not report.photo_media_type:
        raise NotFound("this report has no photo")
    return Response(report.photo, media_type=report.photo_media_type)


@router.post("/{report_id}/transition")
async def transition(
    session: SessionDep, actor: Staff, report_id: int, body: ReportTransition
) -> ReportRead:
    """Work a report: new → investigating → resolved | dismissed, with an outcome; optionally
    link the inspection or revocation it led to."""
    return ReportRead.model_validate(await service.transition(session, actor, report_id, body))
