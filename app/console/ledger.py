"""The ledger page (印制、发放、使用和溯源管理台账) of an enterprise and product, and its exports.
A licensee sees its own enterprise's only: another's is the enterprise look-up's 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.console.deps import permit_console
from app.console.supervision import product_choices
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import Unprocessable
from app.core.principal import Principal
from app.supervision import ledger as ledger_service
from app.supervision import ledger_export

router = APIRouter(prefix="/console/ledger", include_in_schema=False)

EXPORTS = {
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ledger_export.ledger_xlsx,
    ),
    "csv": ("text/csv; charset=utf-8", ledger_export.ledger_csv),
    "pdf": ("application/pdf", ledger_export.ledger_pdf),
}


def _enterprise(principal: Principal, enterprise_id: int | None) -> int:
    chosen = enterprise_id or principal.enterprise_id
    if chosen is None:
        raise Unprocessable("choose an enterprise", field="enterprise_id")
    return chosen


@router.get("", response_class=HTMLResponse)
async def ledger_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("ledger.read")],
    enterprise_id: int | None = None,
    product_id: int | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> HTMLResponse:
    products = await product_choices(session)
    chosen = product_id or (products[0].id if products else None)
    ledger = None
    if chosen is not None and (enterprise_id or principal.enterprise_id):
        enterprise = _enterprise(principal, enterprise_id)
        ledger = await ledger_service.ledger(session, principal, enterprise, chosen, year)
    context = {
        "products": products,
        "product_id": chosen,
        "enterprise_id": enterprise_id or principal.enterprise_id or "",
        "year": year or "",
        "ledger": ledger,
        "headings": ledger_export.BATCH_HEADINGS,
        "run_headings": ledger_export.RUN_HEADINGS,
        "totals": ledger_export.TOTALS,
    }
    return render(request, "ledger.html", context)


@router.get("/export.{extension}")
async def export_ledger(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("ledger.read")],
    extension: str,
    product_id: int,
    enterprise_id: int | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    if extension not in EXPORTS:
        raise Unprocessable("export as xlsx, csv or pdf", field="extension")
    enterprise = _enterprise(principal, enterprise_id)
    ledger = await ledger_service.ledger(session, principal, enterprise, product_id, year)
    media_type, write = EXPORTS[extension]
    name = f"ledger-{ledger.uscc}-{product_id}.{extension}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(write(ledger), media_type=media_type, headers=headers)
