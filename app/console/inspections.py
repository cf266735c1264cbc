"""``/console/inspections``: the inspector's work. "My assigned batches" lists the batches
their assignments cover (directly, or through a drawn licence) that may be sampled now; the
recording form shows each test item of the product's standard with its limits and unit and
previews pass/fail as values are typed (``static/inspection-preview.js``); the service
(``app.inspection.service.record``) computes the result that is stored and shown afterwards.

Regulators may record for any batch, as on the API; an inspector opening a batch no
assignment of theirs covers gets the 404 of a batch that does not exist."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.form_flow import decide
from app.console.inspection_form import InspectionForm
from app.console.product_form import plain
from app.console.templates import render
from app.core.db import SessionDep
from app.core.pagination import PageParams
from app.core.principal import Principal, Role
from app.core.time import public_today
from app.enterprise import service as enterprise_service
from app.inspection import limits as judging
from app.inspection import service as inspection_service
from app.label import service as label_service
from app.label.models import LabelBatch
from app.planning import assignments
from app.registry import service as registry_service
from app.registry.models import GIProduct

router = APIRouter(prefix="/console/inspections", include_in_schema=False)

PAGE_SIZE = 50


async def _latest_result(
    session: AsyncSession, principal: Principal, batch_id: int
) -> tuple[int, str] | None:
    """(inspection id, result) of the caller's latest recorded sample of the batch."""
    found, _ = await inspection_service.list_readable(
        session, principal, PageParams(limit=1, offset=0), batch_id=batch_id
    )
    return (found[0].id, found[0].result.value) if found else None


@router.get("/mine", response_class=HTMLResponse)
async def my_batches(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection_assignment.list_mine")],
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    page = PageParams(limit=PAGE_SIZE, offset=offset)
    rows, total = await assignments.assigned_batches(session, principal.user_id or 0, page)
    batches: list[dict[str, Any]] = []
    products: dict[int, tuple[str, str]] = {}  # a few products across many batches
    for batch, enterprise_name in (tuple(row) for row in rows):
        if batch.product_id not in products:
            product = await registry_service.get_product(session, batch.product_id)
            products[batch.product_id] = (product.name_zh, product.name_en)
        batches.append(
            {
                "batch": batch,
                "enterprise": enterprise_name,
                "product": products[batch.product_id],
                "latest": await _latest_result(session, principal, batch.id),
            }
        )
    context = {"batches": batches, "total": total, "offset": offset, "size": PAGE_SIZE}
    return render(request, "inspector_batches.html", context)


async def _batch(session: AsyncSession, principal: Principal, batch_id: int) -> LabelBatch:
    if principal.role is Role.INSPECTOR:
        return await assignments.assigned_batch(session, principal.user_id or 0, batch_id)
    return await label_service.get_readable(session, principal, batch_id)


def _item_rows(product: GIProduct) -> list[dict[str, Any]]:
    """Each test item with its limits as printed and as the preview script reads them."""
    return [
        {
            "item": item,
            "limits": judging.limits_text(
                item.min_value,
                item.max_value,
                item.unit,
                judging.places(item.min_value, item.max_value),
            ),
            "min": plain(item.min_value),
            "max": plain(item.max_value),
        }
        for item in product.test_items
    ]


async def _form_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    batch_id: int,
    form: InspectionForm,
    status: int = 200,
) -> HTMLResponse:
    batch = await _batch(session, principal, batch_id)
    product = await registry_service.get_product(session, batch.product_id)
    enterprise = await enterprise_service.get_readable(session, principal, batch.enterprise_id)
    context = {
        "batch": batch,
        "product": product,
        "enterprise": enterprise.name,
        "rows": _item_rows(product),
        "form": form,
        "today": public_today().isoformat(),
    }
    return render(request, "inspection_form.html", context, status)


@router.get("/batch/{batch_id}", response_class=HTMLResponse)
async def recording_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection.record")],
    batch_id: int,
) -> HTMLResponse:
    form = InspectionForm(values={"sampled_on": public_today().isoformat()})
    return await _form_page(request, session, principal, batch_id, form)


@router.post("/batch/{batch_id}", response_class=HTMLResponse)
async def record(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection.record")],
    batch_id: int,
) -> Response:
    batch = await _batch(session, principal, batch_id)
    product = await registry_service.get_product(session, batch.product_id)
    items = list(product.test_items)
    form = InspectionForm.typed(await request.form(), items)

    async def page(status: int) -> Response:
        return await _form_page(request, session, principal, batch_id, form, status)

    return await decide(
        session,
        form,
        form.validated_for(batch_id, items),
        lambda data: inspection_service.record(session, principal, data),
        page,
        lambda recorded: f"/console/inspections/{recorded.id}",
    )


@router.get("/{inspection_id}", response_class=HTMLResponse)
async def inspection_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("inspection.read")],
    inspection_id: int,
) -> HTMLResponse:
    inspection = await inspection_service.get(session, principal, inspection_id)
    if principal.role is Role.INSPECTOR:
        # Readable to them (their sample, or a re-test assigned to their laboratory): the
        # batch it was drawn from is shown with it, assignment or not.
        batch = await session.get(LabelBatch, inspection.batch_id) or await _batch(
            session, principal, inspection.batch_id
        )
    else:
        batch = await _batch(session, principal, inspection.batch_id)
    product = await registry_service.get_product(session, batch.product_id)
    context = {
        "inspection": inspection,
        "batch": batch,
        "product": (product.name_zh, product.name_en),
    }
    return render(request, "inspection.html", context)
