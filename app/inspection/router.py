"""Inspections (recorded by inspectors and regulators) and the annual coverage report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.core.time import public_today
from app.inspection import coverage, objections, service
from app.inspection.models import InspectionResult, InspectionStage
from app.inspection.schemas import (
    CoverageReport,
    InspectionCreate,
    InspectionRead,
    NotificationRead,
    ObjectionCreate,
    ObjectionListed,
    ObjectionRead,
    RetestCreate,
    RetestLaboratory,
    WindowListed,
)

router = APIRouter(prefix="/api/v1", tags=["inspections"])


@router.post("/inspections", status_code=201)
async def record_inspection(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.record")],
    body: InspectionCreate,
) -> InspectionRead:
    """Record a sampling inspection. The result is computed from the GI standard's limits. A
    pass is final and published; a failing result suspends the batch at once (public verdict
    ``suspended``) but stays unpublished (``stage: provisional``) while the enterprise may
    object (``objection_deadline``, in working days)."""
    return await service.record(session, actor, body)


@router.get("/inspections")
async def list_inspections(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.list")],
    page: PageDep,
    batch_id: int | None = None,
    result: InspectionResult | None = None,
    stage: InspectionStage | None = None,
) -> Page[InspectionRead]:
    rows, total = await service.list_readable(session, actor, page, batch_id, result, stage)
    items = [InspectionRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/inspections/{inspection_id}")
async def get_inspection(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.read")],
    inspection_id: Annotated[int, Path(ge=1)],
) -> InspectionRead:
    return await service.get(session, actor, inspection_id)


@router.get("/inspection-coverage")
async def inspection_coverage(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.coverage")],
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    product_id: int | None = None,
) -> CoverageReport:
    """Batches issued in ``year`` (default: this year) without a passing inspection, and
    licensed enterprises not sampled in it: the programme wants every batch sampled and passed."""
    return await coverage.annual(session, year or public_today().year, product_id)


InspectionId = Annotated[int, Path(ge=1)]


@router.get("/inspections/{inspection_id}/retest-laboratories")
async def retest_laboratories(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.object")],
    inspection_id: InspectionId,
) -> list[RetestLaboratory]:
    """The accredited laboratories a re-test may go to: all but the first (until organisations
    exist, each laboratory is an inspector account, named by its display name)."""
    return await objections.laboratories(session, actor, inspection_id)


@router.post("/inspections/{inspection_id}/objection", status_code=201)
async def file_objection(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.object")],
    inspection_id: InspectionId,
    body: ObjectionCreate,
) -> ObjectionRead:
    """Object to a failing result and ask another laboratory to re-test the retained sample,
    within the window (409 with the ``deadline`` after it)."""
    return await objections.file_objection(session, actor, inspection_id, body)


@router.post("/inspections/{inspection_id}/retest", status_code=201)
async def record_retest(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.retest")],
    inspection_id: InspectionId,
    body: RetestCreate,
) -> InspectionRead:
    """The re-test on the retained sample, by the inspector of the laboratory the enterprise
    chose. A pass overturns the first result (never published; the batch returns to good
    standing); a fail is the final result, published with both measurements."""
    return await objections.record_retest(session, actor, inspection_id, body)


@router.get("/objections")
async def list_objections(
    session: SessionDep, actor: Annotated[Principal, permit("objection.list")], page: PageDep
) -> Page[ObjectionListed]:
    """Objections: a licensee its enterprise's, an inspector the re-tests assigned to them."""
    items, total = await objections.list_objections(session, actor, page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/objection-windows")
async def list_objection_windows(
    session: SessionDep, actor: Annotated[Principal, permit("objection.windows")], page: PageDep
) -> Page[WindowListed]:
    """Failing results not yet final (window open, or re-test awaited), by deadline."""
    items, total = await objections.pending_windows(session, page)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/notifications")
async def list_notifications(
    session: SessionDep, actor: Annotated[Principal, permit("notification.list")], page: PageDep
) -> Page[NotificationRead]:
    """Messages to enterprises inside gimark (a licensee: its own), newest first."""
    rows, total = await objections.list_notifications(session, actor, page)
    items = [NotificationRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
