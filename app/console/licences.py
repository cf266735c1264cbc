"""``/console/licences``: every licence and application the caller may read (a licensee: its
own), keyset-paged by id, searched by licence number, enterprise name or USCC or product name
(Chinese substring), filtered by state as read (``?status=pending`` is the application queue;
an active licence past its date is expired), and exported as CSV with the same filter. Each
row links to the licence's page, where a regulator decides or acts on it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.console.deps import permit_console
from app.console.listing import ListSpec, ListState, csv_response, every_page
from app.console.queues import Names
from app.console.templates import local_time, render
from app.core.db import SessionDep
from app.core.pagination import CursorParams, KeysetSlice
from app.core.principal import Principal
from app.licence import service as licence_service
from app.licence.models import Licence, LicenceStatus

router = APIRouter(prefix="/console/licences", include_in_schema=False)

LIST_PATH = "/console/licences"
# "-id" newest application first; "id" the order applications wait in.
LICENCE_LIST = ListSpec(LIST_PATH, sorts=("-id", "id"), filters=("status",))
CSV_HEADER = (
    "许可证编号 number",
    "企业 enterprise",
    "产品 product",
    "登记规模 registered area",
    "生产地点 location",
    "状态 status",
    "申请时间 applied",
    "有效期自 valid from",
    "有效期至 valid until",
)


def _status(state: ListState) -> LicenceStatus | None:
    wanted = state.filter("status")
    return LicenceStatus(wanted) if wanted in {s.value for s in LicenceStatus} else None


async def _named(names: Names, licences: list[Licence]) -> list[dict[str, Any]]:
    await names.preload(licence.enterprise_id for licence in licences)
    return [
        {
            "licence": licence,
            "state": licence.effective_status().value,
            "enterprise": await names.enterprise(licence.enterprise_id),
            "product": await names.product(licence.product_id),
        }
        for licence in licences
    ]


def _csv_line(line: dict[str, Any]) -> tuple[Any, ...]:
    licence: Licence = line["licence"]
    return (
        licence.number or "",
        line["enterprise"],
        line["product"][0],
        licence.production_area_mu,
        licence.production_location,
        line["state"],
        local_time(licence.applied_at),
        licence.valid_from.isoformat() if licence.valid_from else "",
        licence.valid_until.isoformat() if licence.valid_until else "",
    )


@router.get("", response_class=HTMLResponse, response_model=None)
async def licence_list(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.list")],
) -> Response:
    state = LICENCE_LIST.read(request)
    names = Names(session, principal)

    async def fetch(page: CursorParams) -> KeysetSlice[Licence]:
        return await licence_service.page_readable(
            session, principal, page, _status(state), state.q or None, state.sort
        )

    if state.wants_csv:
        lines = await _named(names, await every_page(fetch))
        return csv_response("licences", CSV_HEADER, [_csv_line(line) for line in lines])
    found = await fetch(state.params())
    context = {
        "list": state,
        "found": found,
        "lines": await _named(names, found.items),
        "statuses": [s.value for s in LicenceStatus],
    }
    return render(request, "licences.html", context)
