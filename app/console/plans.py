"""Random-inspection plans (双随机) on the console: the list, a form to draw a new plan (the
API's ``PlanCreate``: product, population, period, sample size or fraction, the inspector
pool by name, an optional public seed), and a plan's draw, named: which enterprises and
batches were drawn, and which inspectors go where. ``app.planning.plans`` draws and stores,
as for the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.decision_form import DecisionForm
from app.console.deps import permit_console
from app.console.form_flow import decide
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.permissions import can
from app.core.principal import Principal
from app.core.time import public_today
from app.planning import plans as plan_service
from app.planning import staffing
from app.planning.models import InspectionPlan
from app.planning.schemas import PlanCreate
from app.registry import service as registry_service

router = APIRouter(prefix="/console/inspection-plans", include_in_schema=False)

PAGE_SIZE = 50
FIELDS = (
    "title",
    "product_id",
    "population",
    "period_start",
    "period_end",
    "sample_size",
    "sample_fraction",
    "inspectors_per_target",
    "seed",
)


REFUSALS: dict[str, tuple[str, tuple[str, str]]] = {
    "not_inspectors": (
        "inspector_ids",
        ("所选人员中有人不是在岗检查员。", "Someone chosen is not an active inspector."),
    ),
    "empty_population": (
        "population",
        (
            "该产品在此期间没有可抽查的对象，请调整期间或对象。",
            "Nothing of this product can be drawn in this period: change the period or"
            " what is drawn.",
        ),
    ),
    "draw_not_possible": (
        "inspector_ids",
        (
            "回避之后检查员不足，无法为每个对象分派检查员。",
            "After conflicts of interest there are too few inspectors for every target.",
        ),
    ),
}


class PlanForm(DecisionForm):
    """The plan form: the draw's refusals are shown by the field that can fix them."""

    def refuse(self, exc: DomainError) -> None:
        if exc.code in REFUSALS:
            name, message = REFUSALS[exc.code]
            self.errors[name] = message
        else:
            super().refuse(exc)


async def _products(session: AsyncSession) -> dict[int, Any]:
    products, _ = await registry_service.list_products(session, PageParams(limit=200, offset=0))
    return {product.id: product for product in products}


@router.get("", response_class=HTMLResponse)
async def plan_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection_plan.list")],
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Plans are few (a bureau draws some a month): offset pages, as the API's list."""
    params = PageParams(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    found, total = await plan_service.list_plans(session, params)
    context = {
        "plans": found,
        "total": total,
        "page": page,
        "has_next": page * PAGE_SIZE < total,
        "products": await _products(session),
        "may_draw": can(principal, "inspection_plan.draw"),
    }
    return render(request, "plans.html", context)


async def _form_page(
    request: Request, session: AsyncSession, form: DecisionForm, chosen: list[str], status: int
) -> HTMLResponse:
    context = {
        "form": form,
        "chosen": set(chosen),
        "products": list((await _products(session)).values()),
        "inspectors": await staffing.inspector_pool(session),
    }
    return render(request, "plan_new.html", context, status)


@router.get("/new", response_class=HTMLResponse)
async def plan_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection_plan.draw")],
) -> HTMLResponse:
    today = public_today()
    start = today.replace(day=1)
    values = {
        "population": "batches",
        "period_start": start.isoformat(),
        "period_end": today.isoformat(),
        "inspectors_per_target": "1",
    }
    return await _form_page(request, session, DecisionForm(kind="plan", values=values), [], 200)


@router.post("/new", response_class=HTMLResponse)
async def create_plan(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection_plan.draw")],
) -> Response:
    raw = await request.form()
    form = PlanForm.from_form("plan", raw, FIELDS)
    chosen = [value for value in raw.getlist("inspector_ids") if isinstance(value, str)]
    picked = [int(value) for value in chosen if value.isdigit()]
    data = form.validated(PlanCreate, extra={"inspector_ids": picked}, whole="sample_size")

    async def page(status: int) -> Response:
        return await _form_page(request, session, form, chosen, status)

    def to_plan(plan: object) -> str:
        assert isinstance(plan, InspectionPlan)
        return f"/console/inspection-plans/{plan.id}"

    return await decide(
        session,
        form,
        data,
        lambda data: plan_service.create_plan(session, principal, data),
        page,
        to_plan,
    )


@router.get("/{plan_id}", response_class=HTMLResponse)
async def plan_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection_plan.read")],
    plan_id: int,
) -> HTMLResponse:
    plan = await plan_service.get_plan(session, plan_id)
    product = await registry_service.get_product(session, plan.product_id)
    names = await staffing.inspector_names(session, [a.inspector_id for a in plan.assignments])
    targets: dict[str, dict[str, Any]] = {}
    for assignment in sorted(plan.assignments, key=lambda a: (a.draw_rank or 0, a.id)):
        target = targets.setdefault(
            assignment.target,
            {
                "rank": assignment.draw_rank,
                "key": assignment.target,
                "enterprise": assignment.enterprise_name,
                "uscc": assignment.uscc,
                "batch_id": assignment.batch_id,
                "inspectors": [],
            },
        )
        target["inspectors"].append(names.get(assignment.inspector_id, "—"))
    context = {"plan": plan, "product": product, "targets": list(targets.values())}
    return render(request, "plan.html", context)
