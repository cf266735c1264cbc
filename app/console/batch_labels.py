"""A batch's labels on a page: keyset pages (``cursor``, never OFFSET: a batch may hold a
million labels), found by a whole code, sorted by serial only (the one indexed order), and
exported as CSV with the same filter and order; and the batch's reconciliation as CSV.

Everything is read through ``app.label.service`` with the viewer's principal, so another
enterprise's batch is the same 404 as on the API."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from app.console.deps import permit_console
from app.console.templates import console_lang, render
from app.console.wording import state_name
from app.core.db import Database, SessionDep, get_database
from app.core.pagination import MAX_CURSOR_LENGTH, CursorParams
from app.core.permissions import can
from app.core.principal import Principal
from app.core.time import public_datetime
from app.label import service as label_service
from app.label.code import format_grouped
from app.label.models import Label

router = APIRouter(prefix="/console/batches", include_in_schema=False)

PAGE_SIZE = 50
EXPORT_PAGE = 5_000
LABEL_STATES = {
    "active": ("在用", "Active"),
    "inactive": ("未激活", "Not activated"),
    "void": ("已作废", "Voided"),
}

Sort = Annotated[Literal["serial", "-serial"], Query()]
Code = Annotated[str | None, Query(max_length=64)]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)]


def label_state(status: str, lang: str) -> str:
    zh, en = LABEL_STATES.get(status, (state_name(status, "zh"), state_name(status, "en")))
    return en if lang == "en" else zh


@router.get("/{batch_id}/labels", response_class=HTMLResponse)
async def labels_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("label.read")],
    batch_id: int,
    code: Code = None,
    sort: Sort = "serial",
    cursor: Cursor = None,
) -> HTMLResponse:
    batch = await label_service.get_readable(session, principal, batch_id)
    params = CursorParams(limit=PAGE_SIZE, offset=0, cursor=cursor or None)
    found = await label_service.list_labels(session, principal, batch.id, params, code, sort)
    kept = {"code": code or "", "sort": sort}
    query = {k: v for k, v in kept.items() if v}
    context = {
        "batch": batch,
        "labels": found.items,
        "total": found.total,
        "estimate": found.total_is_estimate,
        "code": code or "",
        "sort": sort,
        "next_url": (
            f"?{urlencode({**query, 'cursor': found.next_cursor})}" if found.next_cursor else None
        ),
        "first_url": f"?{urlencode(query)}" if cursor else None,
        "export_url": f"/console/batches/{batch.id}/labels.csv?{urlencode(query)}",
        "grouped": format_grouped,
        "label_state": label_state,
        "may_void": can(principal, "label.void"),
    }
    return render(request, "batch_labels.html", context)


def _csv(rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _label_row(label: Label, lang: str) -> list[object]:
    changed = (
        public_datetime(label.status_changed_at).isoformat() if label.status_changed_at else ""
    )
    return [
        label.serial,
        label.code,
        format_grouped(label.code),
        label.status.value,
        label_state(label.status.value, lang),
        changed,
        label.status_reason or "",
    ]


def _attachment(name: str) -> dict[str, str]:
    safe = name.replace("/", "-")  # a lot number may hold a slash
    return {"Content-Disposition": f'attachment; filename="{safe}"', "Cache-Control": "no-store"}


@router.get("/{batch_id}/labels.csv")
async def labels_csv(
    request: Request,
    session: SessionDep,
    database: Annotated[Database, Depends(get_database)],
    principal: Annotated[Principal, permit_console("label.read")],
    batch_id: int,
    code: Code = None,
    sort: Sort = "serial",
) -> StreamingResponse:
    """The listing as CSV, every page of it, read a keyset page at a time."""
    batch = await label_service.get_readable(session, principal, batch_id)
    lang = console_lang(request)
    header = ["serial", "code", "grouped_code", "status", "status_name", "changed_at", "reason"]

    async def lines() -> AsyncIterator[str]:
        yield "\ufeff" + _csv([header])  # a BOM: spreadsheet programs then read UTF-8
        # The request's session has committed by the time the body streams: read with our own.
        async with database.sessionmaker() as reader:
            params = CursorParams(limit=EXPORT_PAGE, offset=0)
            while True:
                found = await label_service.list_labels(
                    reader, principal, batch.id, params, code, sort
                )
                yield _csv(_label_row(label, lang) for label in found.items)
                if found.next_cursor is None:
                    return
                params = CursorParams(limit=EXPORT_PAGE, offset=0, cursor=found.next_cursor)

    name = f"labels-{batch.lot_number}-listing.csv"
    return StreamingResponse(
        lines(), media_type="text/csv; charset=utf-8", headers=_attachment(name)
    )


@router.get("/{batch_id}/reconciliation.csv")
async def reconciliation_csv(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.read")],
    batch_id: int,
) -> Response:
    batch = await label_service.get_readable(session, principal, batch_id)
    found = await label_service.reconcile(session, principal, batch.id)
    rows: list[list[object]] = [
        [
            "lot_number",
            "batch_status",
            "issued",
            "active",
            "voided",
            "voided_replaced",
            "revoked",
            "scanned",
        ],
        [
            batch.lot_number,
            found.batch_status.value,
            found.issued,
            found.active,
            found.voided,
            found.voided_replaced,
            found.revoked,
            found.scanned_at_least_once,
        ],
    ]
    name = f"reconciliation-{batch.lot_number}.csv"
    return Response(
        "\ufeff" + _csv(rows), media_type="text/csv; charset=utf-8", headers=_attachment(name)
    )
