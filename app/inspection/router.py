"""Inspections (recorded by inspectors and regulators) and the annual coverage report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.core.time import public_today
from app.inspection import coverage, service
from app.inspection.models import InspectionResult
from app.inspection.schemas import CoverageReport, InspectionCreate, InspectionRead

router = APIRouter(prefix="/api/v1", tags=["inspections"])


@router.post("/inspections", status_code=201)
async def record_inspection(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.record")],
    body: InspectionCreate,
) -> InspectionRead:
    """Record a sampling inspection. The result is computed from the GI standard's limits; a
    failing result suspends the batch at once (public verdict ``suspended``)."""
    return await service.record(session, actor, body)


@router.get("/inspections")
async def list_inspections(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection.list")],
    page: PageDep,
    batch_id: int | None = None,
    result: InspectionResult | None = None,
) -> Page[InspectionRead]:
    rows, total = await service.list_readable(session, actor, page, batch_id, result)
    items = [InspectionRead.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/inspections/{inspection_id}")
async def get_inspection(
    session: SessionDep, actor: Annotated[Principal, permit("inspection.read")], inspection_id: int
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
