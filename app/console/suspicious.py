"""``/console/scans/suspicious``: the codes flagged as possibly copied, the same listing as
``GET /api/v1/scans/suspicious`` (``app.verification.listings``): keyset pages by the time
of the flag (an indexed order), searched by code, lot, enterprise name or USCC, each row with
the enterprise's name and the batch's lot, and exported as CSV with the same filter."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.listing import ListSpec, csv_response, every_page
from app.console.queues import Names
from app.console.templates import local_time, render
from app.core.db import SessionDep
from app.core.pagination import CursorParams, KeysetSlice
from app.core.principal import Principal
from app.label import service as label_service
from app.verification import listings
from app.verification.schemas import SuspiciousCode

router = APIRouter(prefix="/console/scans", include_in_schema=False)

SUSPICIOUS_LIST = ListSpec("/console/scans/suspicious", sorts=("-flagged_at", "flagged_at"))
CSV_HEADER = (
    "标签码 code",
    "企业 enterprise",
    "批号 lot",
    "原因 reason",
    "查验次数 scans",
    "标记时间 flagged",
)


async def _named(
    session: AsyncSession, principal: Principal, codes: list[SuspiciousCode]
) -> list[dict[str, Any]]:
    names = Names(session, principal)
    await names.preload(code.enterprise_id for code in codes)
    lots = await label_service.lots_by_id(session, principal, (c.batch_id for c in codes))
    return [
        {
            "code": code,
            "enterprise": await names.enterprise(code.enterprise_id),
            "lot": lots.get(code.batch_id, "—"),
        }
        for code in codes
    ]


@router.get("/suspicious", response_class=HTMLResponse, response_model=None)
async def suspicious_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("scan.suspicious")],
) -> Response:
    state = SUSPICIOUS_LIST.read(request)

    async def fetch(page: CursorParams) -> KeysetSlice[SuspiciousCode]:
        return await listings.list_suspicious(session, page, state.q or None, state.sort)

    if state.wants_csv:
        lines = await _named(session, principal, await every_page(fetch))
        rows = [
            (
                line["code"].code,
                line["enterprise"],
                line["lot"],
                line["code"].reason,
                line["code"].scan_count,
                local_time(line["code"].flagged_at),
            )
            for line in lines
        ]
        return csv_response("suspicious-codes", CSV_HEADER, rows)
    found = await fetch(state.params())
    context = {
        "list": state,
        "found": found,
        "lines": await _named(session, principal, found.items),
    }
    return render(request, "suspicious.html", context)
