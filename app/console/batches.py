"""Batch pages: request a batch (one batch however often the form is sent) and a batch's
page with its reconciliation. Another enterprise's batch is the service's 404, as on the API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console import batch_view
from app.console.batch_form import BatchForm
from app.console.deps import permit_console
from app.console.listing import ListSpec, ListState, csv_response, every_page
from app.console.queues import Names
from app.console.templates import local_time, render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.principal import Principal
from app.idempotency import service as idempotency
from app.label import service as label_service
from app.label.models import BatchStatus, LabelBatch
from app.label.schemas import BatchRequest
from app.licence import service as licence_service
from app.licence.models import LicenceStatus
from app.origin import service as origin_service
from app.registry import service as registry_service
from app.tradeitem import service as item_service

router = APIRouter(prefix="/console/batches", include_in_schema=False)

FORM_PATH = "/console/batches/new"
LIST_PATH = "/console/batches"


async def _licence_choices(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    page = PageParams(limit=200, offset=0)
    active = LicenceStatus.ACTIVE
    licences, _ = await licence_service.list_readable(session, principal, page, status=active)
    choices = []
    for licence in licences:
        product = await registry_service.get_product(session, licence.product_id)
        name = {"zh": product.name_zh, "en": product.name_en}
        choices.append({"id": str(licence.id), "number": licence.number, "product": name})
    return choices


async def _item_choices(session: AsyncSession, principal: Principal) -> list[dict[str, str]]:
    """The enterprise's trade items a batch may pack (the service checks the licence's GI
    product matches when the form is sent)."""
    items, _ = await item_service.list_readable(session, principal, PageParams(limit=200, offset=0))
    return [{"id": str(item.id), "name": item.name, "gtin": item.gtin or ""} for item in items]


async def _source_choices(session: AsyncSession, principal: Principal) -> list[dict[str, str]]:
    """The enterprise's harvests and purchases with kg left to draw, newest first."""
    page = PageParams(limit=100, offset=0)
    harvests, _ = await origin_service.list_harvests(session, principal, page)
    purchases, _ = await origin_service.list_purchases(session, principal, page)
    bases = {
        base.id: base for base in (await origin_service.list_bases(session, principal, page))[0]
    }
    choices = []
    for harvest, drawn in harvests:
        base = bases.get(harvest.base_id)
        place = f"{base.name}（{base.township}）" if base else ""
        left = harvest.quantity_kg - drawn
        if left > 0:
            ref = f"H{harvest.id}"
            choices.append(
                {
                    "ref": ref,
                    "place": place,
                    "date": str(harvest.harvested_on),
                    "left": f"{left.normalize():f}",
                }
            )
    for purchase, drawn in purchases:
        left = purchase.quantity_kg - drawn
        if left > 0:
            ref = f"P{purchase.id}"
            choices.append(
                {
                    "ref": ref,
                    "place": purchase.township,
                    "date": str(purchase.purchased_on),
                    "left": f"{left.normalize():f}",
                }
            )
    return choices


async def _form_page(
    request: Request, session: AsyncSession, principal: Principal, form: BatchForm, status: int
) -> HTMLResponse:
    context = {
        "form": form,
        "licences": await _licence_choices(session, principal),
        "items": await _item_choices(session, principal),
        "sources": await _source_choices(session, principal),
    }
    return render(request, "batch_request.html", context, status)


BATCH_LIST = ListSpec(LIST_PATH, sorts=("-id", "id"), filters=("status",))
BATCH_CSV_HEADER = (
    "批号 lot",
    "企业 enterprise",
    "产品 product",
    "数量 quantity",
    "包装 unit",
    "状态 status",
    "生产日期 production date",
    "申请时间 requested",
)


def _batch_filters(state: ListState) -> dict[str, Any]:
    status = state.filter("status")
    known = {s.value for s in BatchStatus}
    return {
        "status": BatchStatus(status) if status in known else None,
        "q": state.q or None,
        "sort": state.sort,
    }


async def _named(names: Names, batches: list[LabelBatch]) -> list[dict[str, Any]]:
    await names.preload(batch.enterprise_id for batch in batches)
    return [
        {
            "batch": batch,
            "enterprise": await names.enterprise(batch.enterprise_id),
            "product": await names.product(batch.product_id),
        }
        for batch in batches
    ]


@router.get("", response_class=HTMLResponse, response_model=None)
async def batch_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.list")],
) -> Response:
    """Every batch the caller may see (a licensee: its own), newest first, by keyset pages;
    searched by lot, enterprise name or USCC, product name or a label code."""
    state = BATCH_LIST.read(request)
    filters = _batch_filters(state)
    names = Names(session, principal)
    if state.wants_csv:
        every = await every_page(
            lambda page: label_service.list_readable(session, principal, page, **filters)
        )
        rows = [
            (
                line["batch"].lot_number,
                line["enterprise"],
                line["product"][0],
                line["batch"].quantity,
                line["batch"].unit,
                line["batch"].status.value,
                line["batch"].production_date.isoformat(),
                local_time(line["batch"].created_at),
            )
            for line in await _named(names, every)
        ]
        return csv_response("batches", BATCH_CSV_HEADER, rows)
    found = await label_service.list_readable(session, principal, state.params(), **filters)
    context = {
        "list": state,
        "found": found,
        "lines": await _named(names, found.items),
        "statuses": [s.value for s in BatchStatus],
    }
    return render(request, "batches.html", context)


@router.get("/new", response_class=HTMLResponse)
async def request_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.request")],
) -> HTMLResponse:
    return await _form_page(request, session, principal, BatchForm(), 200)


async def _request_once(
    request: Request, session: AsyncSession, principal: Principal, data: BatchRequest, key: str
) -> int:
    """The batch's id: made by this call, or by an earlier send of the same form (same key),
    whose answer is replayed; the API's idempotency records, scoped to the enterprise."""
    settings = request.app.state.settings

    async def work() -> tuple[int, Any]:
        batch = await label_service.request_batch(session, principal, data, settings)
        return 201, {"batch_id": batch.id}

    digest = idempotency.request_hash("POST", FORM_PATH, data.model_dump(mode="json"))
    # A savepoint: a refusal undoes the idempotency record too, so the corrected form can be
    # sent again with the same key.
    async with session.begin_nested():
        _status, body = await idempotency.run_once(session, principal, key, digest, work)
    return int(body["batch_id"])


@router.post("/new", response_class=HTMLResponse)
async def request_batch(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.request")],
) -> Response:
    form = BatchForm.from_form(await request.form())
    data = form.validated()
    if data is None:
        return await _form_page(request, session, principal, form, 422)
    try:
        batch_id = await _request_once(request, session, principal, data, form.key)
    except DomainError as exc:
        form.refuse(exc)
        return await _form_page(request, session, principal, form, exc.status)
    # Post/Redirect/Get: reloading the batch page never sends the form again.
    return RedirectResponse(f"/console/batches/{batch_id}", status_code=303)


@router.get("/{batch_id}", response_class=HTMLResponse)
async def batch_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.read")],
    batch_id: int,
) -> HTMLResponse:
    return await batch_view.page(request, session, principal, batch_id)
