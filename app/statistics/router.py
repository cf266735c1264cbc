"""``/api/v1/stats/...``: the bureau's figures (regulators only), the annual report, and the
open data anyone may read (``/api/v1/public/statistics``, ``/public/statistics``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.core.db import SessionDep
from app.core.permissions import PUBLIC, permit
from app.core.principal import Principal
from app.core.time import public_today
from app.statistics import annual, opendata, service
from app.statistics.schemas import (
    Figures,
    FiltersOut,
    InspectionStats,
    LabelStats,
    LicenceStats,
    OpenData,
    OpenProduct,
    OpenYear,
    Overview,
    ReportStats,
    ScanStats,
)
from app.web.templates import render

router = APIRouter(prefix="/api/v1/stats", tags=["statistics"])
public = APIRouter(tags=["statistics"], dependencies=[PUBLIC])

Reader = Annotated[Principal, permit("statistics.read")]
DivisionCode = Annotated[
    str | None,
    Query(
        pattern=r"^\d{6}$",
        description="GB/T 2260 code: a county, or a city or province with all inside it",
    ),
]


def filters(
    reader: Reader,
    product_id: Annotated[int | None, Query(ge=1)] = None,
    division: DivisionCode = None,
    from_: Annotated[date | None, Query(alias="from", description="first day (public)")] = None,
    to: Annotated[date | None, Query(description="last day; default today")] = None,
) -> service.Filters:
    """The period defaults to this year so far; the division to the bureau's own."""
    today = public_today()
    end = to or today
    start = from_ or date(end.year, 1, 1)
    return service.Filters(start, end, product_id, reader.division_for_figures(division))


FiltersDep = Annotated[service.Filters, Depends(filters)]


async def _meta(session: SessionDep, chosen: service.Filters) -> Figures:
    await service.check_product(session, chosen)
    return Figures(filters=FiltersOut.of(chosen), as_of=await service.as_of(session))


@router.get("", response_model=Overview)
async def overview(_p: Reader, session: SessionDep, chosen: FiltersDep) -> Overview:
    """Every figure of the statistics page at once (the mark-use rate once the supervision
    roster provides it)."""
    return Overview.of(await service.overview(session, chosen))


@router.get("/labels", response_model=LabelStats)
async def labels(_p: Reader, session: SessionDep, chosen: FiltersDep) -> LabelStats:
    """Labels issued, voided and revoked per month (from the roll-up, "as of" its refresh)."""
    meta = await _meta(session, chosen)
    return LabelStats.of(await service.label_figures(session, chosen), meta)


@router.get("/scans", response_model=ScanStats)
async def scans(_p: Reader, session: SessionDep, chosen: FiltersDep) -> ScanStats:
    """Scans per month, by verdict and by region (shared locations only); suspected copies."""
    meta = await _meta(session, chosen)
    return ScanStats.of(await service.scan_figures(session, chosen), meta)


@router.get("/inspections", response_model=InspectionStats)
async def inspections(_p: Reader, session: SessionDep, chosen: FiltersDep) -> InspectionStats:
    """Inspections sampled in the period, pass rate, and coverage of the batches issued."""
    meta = await _meta(session, chosen)
    return InspectionStats.of(await service.inspection_figures(session, chosen), meta)


@router.get("/reports", response_model=ReportStats)
async def reports(_p: Reader, session: SessionDep, chosen: FiltersDep) -> ReportStats:
    """Consumer reports filed in the period by status, median hours to first response and to
    resolution."""
    meta = await _meta(session, chosen)
    return ReportStats.of(await service.report_figures(session, chosen), meta)


@router.get("/licences", response_model=LicenceStats)
async def licences(_p: Reader, session: SessionDep, chosen: FiltersDep) -> LicenceStats:
    """Licences by state today, granted and withdrawn within the period."""
    meta = await _meta(session, chosen)
    return LicenceStats.of(await service.licence_figures(session, chosen), meta)


@router.get(
    "/annual-report",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/pdf": {},
                annual.XLSX_MEDIA_TYPE: {},
            },
            "description": "the annual report as one PDF or one XLSX",
        }
    },
)
async def annual_report(
    actor: Annotated[Principal, permit("statistics.annual_report")],
    session: SessionDep,
    product_id: Annotated[int, Query(ge=1)],
    year: Annotated[int, Query(ge=2000, le=2100)],
    division: DivisionCode = None,
    format: Annotated[Literal["pdf", "xlsx"], Query()] = "pdf",
) -> Response:
    """The year's figures, inspections, enforcement acts and consumer reports of a product
    (optionally a division; a bureau's own by default), with a signature block: a document
    to file upward as it is."""
    chosen = service.Filters.year(year, product_id, actor.division_for_figures(division))
    report = await annual.gather(session, chosen)
    body, media_type = (
        (annual.pdf(report), "application/pdf")
        if format == "pdf"
        else (annual.xlsx(report), annual.XLSX_MEDIA_TYPE)
    )
    name = annual.filename(report, format)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _open_data(session: SessionDep) -> OpenData:
    products = await opendata.open_data(session)
    return OpenData(
        suppressed_below=opendata.THRESHOLD,
        products=[
            OpenProduct(
                code=p.code,
                name_zh=p.name_zh,
                name_en=p.name_en,
                years=[OpenYear(year=y.year, figures=y.figures) for y in p.years],
            )
            for p in products
        ],
    )


@public.get("/api/v1/public/statistics", response_model=OpenData)
async def open_data_json(session: SessionDep) -> OpenData:
    """Aggregate figures per GI product and year; counts under 5 read "< 5"."""
    return await _open_data(session)


@public.get("/public/statistics", response_class=HTMLResponse)
async def open_data_html(request: Request, session: SessionDep) -> HTMLResponse:
    data = await _open_data(session)
    return render(request, "statistics.html", {"data": data, "labels": opendata.FIGURE_NAMES})
