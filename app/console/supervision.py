"""Supervision pages for staff: the roster of a product with its import (the per-line report of
a refused file shown on the page, nothing written) and template, and the mark-use rate with
the enterprises that did not use the mark. They call the same services as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from app.console.deps import permit_console
from app.console.roster_form import FIELDS, RosterForm
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.principal import Principal
from app.core.time import public_today
from app.registry import service as registry_service
from app.supervision import roster, roster_import
from app.supervision.exceptions import UnreadableImport
from app.supervision.models import ProducerKind
from app.supervision.period import parse_period
from app.supervision.schemas import ImportProblem, ImportReport, RosterCreate
from app.supervision.use_rate import use_rate

router = APIRouter(prefix="/console", include_in_schema=False)

ROSTER = "/console/roster"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def product_choices(session: AsyncSession) -> list[Any]:
    products, _ = await registry_service.list_products(session, PageParams(limit=200, offset=0))
    return products


def _chosen(products: list[Any], product_id: int | None) -> Any:
    return next((p for p in products if p.id == product_id), products[0] if products else None)


async def _roster_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    product_id: int | None,
    *,
    report: ImportReport | None = None,
    refusal: DomainError | None = None,
    status: int = 200,
) -> HTMLResponse:
    products = await product_choices(session)
    product = _chosen(products, product_id)
    entries: list[Any] = []
    total = 0
    if product is not None:
        page = PageParams(limit=200, offset=0)
        entries, total = await roster.listing(session, principal, page, product.id, None, None)
    problems = [ImportProblem(**p) for p in refusal.extra.get("problems", [])] if refusal else []
    context = {
        "products": products,
        "product": product,
        "entries": entries,
        "total": total,
        "report": report,
        "refusal": refusal,
        "problems": report.problems if report else problems,
        "counts": {k: request.query_params.get(k) for k in ("created", "updated", "unchanged")},
    }
    return render(request, "roster.html", context, status)


@router.get("/roster", response_class=HTMLResponse)
async def roster_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("roster.list")],
    product_id: int | None = None,
) -> HTMLResponse:
    return await _roster_page(request, session, principal, product_id)


async def _entry_page(
    request: Request,
    session: AsyncSession,
    form: RosterForm,
    status: int,
    *,
    product: Any,
    entry_id: int | None = None,
) -> HTMLResponse:
    context = {
        "form": form,
        "fields": FIELDS,
        "kinds": list(ProducerKind),
        "product": product,
        "entry_id": entry_id,
    }
    return render(request, "roster_entry.html", context, status)


@router.get("/roster/new", response_class=HTMLResponse)
async def new_entry(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("roster.create")],
    product_id: int,
) -> HTMLResponse:
    product = await registry_service.get_product(session, product_id)
    form = RosterForm({"on_roster": public_today().isoformat(), "kind": "processor"})
    return await _entry_page(request, session, form, 200, product=product)


@router.post("/roster/new", response_class=HTMLResponse)
async def create_entry(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("roster.create")],
    product_id: int,
) -> Response:
    product = await registry_service.get_product(session, product_id)
    form = RosterForm.from_form(await request.form())
    data = form.validated()
    if data is None:
        return await _entry_page(request, session, form, 422, product=product)
    try:
        async with session.begin_nested():
            fields = data.model_dump() | {"product_id": product.id}
            await roster.create(session, principal, RosterCreate.model_validate(fields))
    except DomainError as exc:
        form.refuse(exc)
        return await _entry_page(request, session, form, exc.status, product=product)
    return RedirectResponse(f"{ROSTER}?product_id={product.id}", status_code=303)


@router.get("/roster/{entry_id}/edit", response_class=HTMLResponse)
async def edit_entry(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("roster.update")],
    entry_id: int,
) -> HTMLResponse:
    entry = await roster.get(session, principal, entry_id)
    product = await registry_service.get_product(session, entry.product_id)
    form = RosterForm.of(entry)
    return await _entry_page(request, session, form, 200, product=product, entry_id=entry_id)


@router.post("/roster/{entry_id}/edit", response_class=HTMLResponse)
async def update_entry(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("roster.update")],
    entry_id: int,
) -> Response:
    entry = await roster.get(session, principal, entry_id)
    product = await registry_service.get_product(session, entry.product_id)
    form = RosterForm.from_form(await request.form())
    data = form.validated()
    try:
        if data is None:
            return await _entry_page(
                request, session, form, 422, product=product, entry_id=entry_id
            )
        async with session.begin_nested():
            await roster.update(session, principal, entry_id, data)
    except DomainError as exc:
        form.refuse(exc)
        return await _entry_page(
            request, session, form, exc.status, product=product, entry_id=entry_id
        )
    return RedirectResponse(f"{ROSTER}?product_id={product.id}", status_code=303)


@router.post("/roster/import", response_class=HTMLResponse)
async def import_roster(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("roster.import")],
) -> Response:
    form = await request.form()
    product_id = int(str(form.get("product_id") or 0))
    upload = form.get("file")
    good_rows = form.get("import_good_rows") == "on"
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise UnreadableImport("choose a CSV or XLSX file", field="file")
        data = await upload.read(roster_import.MAX_IMPORT_BYTES + 1)
        if len(data) > roster_import.MAX_IMPORT_BYTES:
            raise UnreadableImport("the file is larger than 5 MB", field="file")
        async with session.begin_nested():  # a refusal leaves nothing half-written
            report = await roster_import.import_roster(
                session, principal, product_id, data, upload.filename, good_rows=good_rows
            )
    except DomainError as exc:
        return await _roster_page(
            request, session, principal, product_id, refusal=exc, status=exc.status
        )
    if report.problems:  # the good rows went in; the lines left out are listed here
        return await _roster_page(request, session, principal, product_id, report=report)
    counts = f"created={report.created}&updated={report.updated}&unchanged={report.unchanged}"
    return RedirectResponse(f"{ROSTER}?product_id={product_id}&{counts}", status_code=303)


@router.get("/roster/template.{extension}")
async def roster_template(
    principal: Annotated[Principal, permit_console("roster.list")], extension: str
) -> Response:
    if extension == "csv":
        data, media_type = roster_import.template_csv(), "text/csv; charset=utf-8"
    else:
        data, media_type = roster_import.template_xlsx(), XLSX
        extension = "xlsx"
    disposition = f'attachment; filename="roster-template.{extension}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/use-rate", response_class=HTMLResponse)
async def use_rate_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("use_rate.read")],
    product_id: int | None = None,
    period: Annotated[str | None, Query(max_length=7)] = None,
    division: Annotated[str | None, Query(max_length=6)] = None,
) -> HTMLResponse:
    products = await product_choices(session)
    product = _chosen(products, product_id)
    period_text = period or str(public_today().year)
    rate, error, status = None, None, 200
    chosen = division or None
    if product is not None:
        try:
            chosen = principal.division_for_figures(chosen)
            rate = await use_rate(session, product.id, chosen, parse_period(period_text))
        except DomainError as exc:
            error, status = exc.detail, exc.status
    context = {
        "products": products,
        "product": product,
        "period": period_text,
        "division": chosen or "",
        "rate": rate,
        "error": error,
    }
    return render(request, "use_rate.html", context, status)
