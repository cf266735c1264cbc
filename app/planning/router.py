"""Random inspection plans (双随机), their public JSON, inspectors' conflicts of interest and
assignments made outside a draw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import PUBLIC, permit
from app.core.principal import Principal
from app.planning import plans, staffing
from app.planning.schemas import (
    AssignmentCreate,
    AssignmentRead,
    ConflictRead,
    ConflictSet,
    ConflictSetResult,
    PlanCreate,
    PlanRead,
    PlanSummary,
    PublicPlan,
)

router = APIRouter(prefix="/api/v1", tags=["inspection plans"])

Reason = Annotated[str, Query(min_length=2, max_length=2000, description="why, for the audit")]


@router.post("/inspection-plans", status_code=201)
async def create_plan(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection_plan.draw")],
    body: PlanCreate,
) -> PlanRead:
    """Draw targets and inspectors at random (algorithm ``gimark-draw-v1``) and publish the
    plan with its seed, so anyone can re-run the draw: ``python -m app.planning.draw``."""
    plan = await plans.create_plan(session, actor, body)
    return await plans.get_plan(session, plan.id)


@router.get("/inspection-plans")
async def list_plans(
    session: SessionDep,
    _actor: Annotated[Principal, permit("inspection_plan.list")],
    page: PageDep,
    product_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[PlanSummary]:
    items, total = await plans.list_plans(session, page, product_id)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/inspection-plans/{plan_id}")
async def get_plan(
    session: SessionDep, _actor: Annotated[Principal, permit("inspection_plan.read")], plan_id: int
) -> PlanRead:
    return await plans.get_plan(session, plan_id)


@router.get("/public/inspection-plans/{plan_id}", tags=["public"], dependencies=[PUBLIC])
async def public_plan(session: SessionDep, plan_id: int) -> PublicPlan:
    """Everything needed to re-run the draw, and what it drew. Save it and run
    ``python -m app.planning.draw plan.json`` (or pass this URL) to check it."""
    return await plans.public_plan(session, plan_id)


@router.get("/inspectors/{inspector_id}/conflicts")
async def list_conflicts(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspector_conflict.list")],
    inspector_id: int,
) -> list[ConflictRead]:
    return await staffing.list_conflicts(session, actor, inspector_id)


@router.put("/inspectors/{inspector_id}/conflicts/{enterprise_id}")
async def set_conflict(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspector_conflict.set")],
    inspector_id: int,
    enterprise_id: int,
    body: ConflictSet,
) -> ConflictSetResult:
    """Mark the inspector as conflicted with the enterprise: no draw assigns them to it and a
    direct assignment is refused. Earlier assignments are listed, to be reassigned."""
    return await staffing.set_conflict(session, actor, inspector_id, enterprise_id, body.reason)


@router.delete("/inspectors/{inspector_id}/conflicts/{enterprise_id}", status_code=204)
async def clear_conflict(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspector_conflict.clear")],
    inspector_id: int,
    enterprise_id: int,
    reason: Reason,
) -> Response:
    await staffing.clear_conflict(session, actor, inspector_id, enterprise_id, reason)
    return Response(status_code=204)


@router.post("/inspection-assignments", status_code=201)
async def assign(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection_assignment.create")],
    body: AssignmentCreate,
) -> AssignmentRead:
    """Assign an inspector to a batch, or to a licence (covering its batches), outside a draw;
    refused (409) if the inspector is marked as conflicted with the enterprise."""
    return await staffing.assign(session, actor, body)


@router.get("/inspection-assignments")
async def list_assignments(
    session: SessionDep,
    _actor: Annotated[Principal, permit("inspection_assignment.list")],
    page: PageDep,
    inspector_id: Annotated[int | None, Query(ge=1)] = None,
    plan_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[AssignmentRead]:
    items, total = await staffing.list_assignments(session, page, inspector_id, plan_id)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/inspection-assignments/mine")
async def my_assignments(
    session: SessionDep,
    actor: Annotated[Principal, permit("inspection_assignment.list_mine")],
    page: PageDep,
) -> Page[AssignmentRead]:
    """The batches and licences the calling inspector is assigned to, newest first."""
    if actor.user_id is None:  # an API key acts for no inspector in person
        return Page(items=[], total=0, limit=page.limit, offset=page.offset)
    items, total = await staffing.list_assignments(session, page, inspector_id=actor.user_id)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
