"""The supervision API: the roster and its import, the mark-use rate, annual use reports,
print runs and the ledger with its exports. Thin handlers: parse, call the service, return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.supervision import ledger as ledger_service
from app.supervision import ledger_export, roster, roster_import, use_reports
from app.supervision.exceptions import UnreadableImport
from app.supervision.models import UseReportStatus
from app.supervision.period import parse_period
from app.supervision.schemas import (
    ImportReport,
    Ledger,
    MissingReport,
    PrintRunIn,
    PrintRunRead,
    ReturnReason,
    RosterCreate,
    RosterFields,
    RosterRead,
    UseRate,
    UseReportIn,
    UseReportRead,
)
from app.supervision.use_rate import use_rate

router = APIRouter(prefix="/api/v1", tags=["supervision"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]
DivisionQuery = Annotated[
    str | None,
    Query(pattern=r"^\d{6}$", description="GB/T 2260 code: a county, a city or a region"),
]


def _download(data: bytes, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


# --- the roster ------------------------------------------------------------------------------


@router.get("/roster")
async def list_roster(
    session: SessionDep,
    actor: Annotated[Principal, permit("roster.list")],
    page: PageDep,
    product_id: int | None = None,
    division: DivisionQuery = None,
    q: Annotated[str | None, Query(max_length=100, description="name or USCC contains")] = None,
) -> Page[RosterRead]:
    items, total = await roster.listing(session, actor, page, product_id, division, q)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/roster", status_code=201)
async def create_roster_entry(
    session: SessionDep, actor: Annotated[Principal, permit("roster.create")], body: RosterCreate
) -> RosterRead:
    """Put one enterprise on a product's roster; its division must lie in the protected area."""
    return await roster.create(session, actor, body)


@router.get(
    "/roster/template",
    response_class=Response,
    responses={200: {"content": {XLSX: {}, CSV: {}}, "description": "the import template"}},
)
async def roster_template(
    actor: Annotated[Principal, permit("roster.list")],
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "xlsx",
) -> Response:
    """The import template: the columns the import reads, with one example row."""
    if format == "csv":
        return _download(roster_import.template_csv(), CSV, "roster-template.csv")
    return _download(roster_import.template_xlsx(), XLSX, "roster-template.xlsx")


@router.post("/roster/import")
async def import_roster(
    session: SessionDep,
    actor: Annotated[Principal, permit("roster.import")],
    product_id: Annotated[int, Form()],
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB 18030) or XLSX")],
    import_good_rows: Annotated[bool, Form()] = False,
) -> ImportReport:
    """Import the roster of one product. With any bad row nothing is written (422 listing
    every bad line and why) unless ``import_good_rows`` is set; importing the same file again
    changes nothing."""
    data = await file.read(roster_import.MAX_IMPORT_BYTES + 1)
    if len(data) > roster_import.MAX_IMPORT_BYTES:
        raise UnreadableImport("the file is larger than 5 MB", field="file")
    return await roster_import.import_roster(
        session, actor, product_id, data, file.filename or "", good_rows=import_good_rows
    )


@router.get("/roster/{entry_id}")
async def get_roster_entry(
    session: SessionDep, actor: Annotated[Principal, permit("roster.list")], entry_id: int
) -> RosterRead:
    return await roster.get(session, actor, entry_id)


@router.put("/roster/{entry_id}")
async def update_roster_entry(
    session: SessionDep,
    actor: Annotated[Principal, permit("roster.update")],
    entry_id: int,
    body: RosterFields,
) -> RosterRead:
    """Correct an entry, or close it (``closed_on``) when the enterprise left the trade."""
    return await roster.update(session, actor, entry_id, body)


# --- the use rate ----------------------------------------------------------------------------


@router.get("/supervision/use-rate")
async def get_use_rate(
    session: SessionDep,
    actor: Annotated[Principal, permit("use_rate.read")],
    product_id: int,
    period: Annotated[str, Query(description="a year (2026) or a month (2026-03)")],
    division: DivisionQuery = None,
) -> UseRate:
    """Roster enterprises that used the mark ÷ those active in the period, against the 90 %
    target, with the exporters alone and the enterprises that did not use it (the definition:
    ``app.supervision.use_rate``)."""
    return await use_rate(
        session, product_id, actor.division_for_figures(division), parse_period(period)
    )


# --- annual use reports ----------------------------------------------------------------------


@router.post("/use-reports", status_code=201)
async def submit_use_report(
    session: SessionDep,
    actor: Annotated[Principal, permit("use_report.submit")],
    body: UseReportIn,
) -> UseReportRead:
    """File the year's report on the mark's use (again, after it was returned)."""
    return UseReportRead.model_validate(await use_reports.submit(session, actor, body))


@router.get("/use-reports")
async def list_use_reports(
    session: SessionDep,
    actor: Annotated[Principal, permit("use_report.list")],
    page: PageDep,
    year: YearQuery = None,
    product_id: int | None = None,
    status: UseReportStatus | None = None,
) -> Page[UseReportRead]:
    rows, total = await use_reports.list_readable(session, actor, page, year, product_id, status)
    items = [UseReportRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/use-reports/missing")
async def missing_use_reports(
    session: SessionDep,
    actor: Annotated[Principal, permit("use_report.missing")],
    product_id: int,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> list[MissingReport]:
    """Licensees of the product in ``year`` whose report is missing, returned, or late."""
    return await use_reports.missing_or_late(session, product_id, year)


@router.get("/use-reports/{report_id}")
async def get_use_report(
    session: SessionDep, actor: Annotated[Principal, permit("use_report.read")], report_id: int
) -> UseReportRead:
    return UseReportRead.model_validate(await use_reports.get_readable(session, actor, report_id))


@router.post("/use-reports/{report_id}/accept")
async def accept_use_report(
    session: SessionDep, actor: Annotated[Principal, permit("use_report.accept")], report_id: int
) -> UseReportRead:
    return UseReportRead.model_validate(await use_reports.accept(session, actor, report_id))


@router.post("/use-reports/{report_id}/return")
async def return_use_report(
    session: SessionDep,
    actor: Annotated[Principal, permit("use_report.return")],
    report_id: int,
    body: ReturnReason,
) -> UseReportRead:
    """Back to the licensee with the reason; it corrects and submits again."""
    report = await use_reports.return_report(session, actor, report_id, body.reason)
    return UseReportRead.model_validate(report)


# --- print runs and the ledger ---------------------------------------------------------------


@router.post("/print-runs", status_code=201)
async def record_print_run(
    session: SessionDep, actor: Annotated[Principal, permit("print_run.record")], body: PrintRunIn
) -> PrintRunRead:
    """Record how one of the enterprise's issued batches was printed."""
    run = await ledger_service.record_print_run(session, actor, body)
    return PrintRunRead.model_validate(run)


@router.get("/ledger")
async def get_ledger(
    session: SessionDep,
    actor: Annotated[Principal, permit("ledger.read")],
    enterprise_id: int,
    product_id: int,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="the batches' season")] = None,
) -> Ledger:
    return await ledger_service.ledger(session, actor, enterprise_id, product_id, year)


@router.get(
    "/ledger/export",
    response_class=Response,
    responses={
        200: {
            "content": {XLSX: {}, CSV: {}, "application/pdf": {}},
            "description": "the ledger as one XLSX, CSV or PDF file",
        }
    },
)
async def export_ledger(
    session: SessionDep,
    actor: Annotated[Principal, permit("ledger.read")],
    enterprise_id: int,
    product_id: int,
    format: Annotated[str, Query(pattern="^(xlsx|csv|pdf)$")],
    year: YearQuery = None,
) -> Response:
    """The ledger as XLSX, CSV, or a PDF with a signature and seal block."""
    ledger = await ledger_service.ledger(session, actor, enterprise_id, product_id, year)
    name = f"ledger-{ledger.uscc}-{product_id}{'-' + str(year) if year else ''}.{format}"
    if format == "csv":
        return _download(ledger_export.ledger_csv(ledger), CSV, name)
    if format == "pdf":
        return _download(ledger_export.ledger_pdf(ledger), "application/pdf", name)
    return _download(ledger_export.ledger_xlsx(ledger), XLSX, name)
