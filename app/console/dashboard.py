"""``/console``: the signed-in user's overview. Each section is shown only when the user may
perform the action that reads it (``can``), and is filled by the owning domain's service with
the user's own principal, so a licensee sees its enterprise's rows exactly as the API shows
them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.appeal import service as appeal_service
from app.console.deps import permit_console
from app.console.templates import render
from app.core.db import SessionDep
from app.core.pagination import PageParams
from app.core.permissions import can
from app.core.principal import Principal
from app.core.time import public_today
from app.credit import service as credit_service
from app.label import licence_use, overview
from app.licence import service as licence_service
from app.licence.models import Licence, LicenceStatus
from app.licence.schemas import Quota
from app.registry import service as registry_service
from app.registry.models import GIProduct
from app.report import service as report_service

router = APIRouter(prefix="/console", include_in_schema=False)

LICENCES_SHOWN = 50
APPEALS_SHOWN = 10  # the latest adverse acts against a licensee, with their deadlines


@dataclass(frozen=True, slots=True)
class LicenceLine:
    licence: Licence
    state: LicenceStatus
    product_name: tuple[str, str]
    quota: Quota | None  # this season's, for an active licence


async def _licence_lines(session: AsyncSession, principal: Principal) -> list[LicenceLine]:
    page = PageParams(limit=LICENCES_SHOWN, offset=0)
    licences, _total = await licence_service.list_readable(session, principal, page)
    season = public_today().year
    products: dict[int, GIProduct] = {}  # a regulator's 50 licences share a few products
    for licence in licences:
        if licence.product_id not in products:
            products[licence.product_id] = await registry_service.get_product(
                session, licence.product_id
            )
    states = {licence.id: licence_service.effective_status(licence) for licence in licences}
    active = [licence for licence in licences if states[licence.id] is LicenceStatus.ACTIVE]
    quotas = await licence_use.season_quotas(session, active, season, products)
    lines = []
    for licence in licences:
        product = products[licence.product_id]
        name = (product.name_zh, product.name_en)
        lines.append(LicenceLine(licence, states[licence.id], name, quotas.get(licence.id)))
    return lines


async def _sections(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    sections: dict[str, Any] = {"season": public_today().year}
    if can(principal, "licence.list"):
        sections["licences"] = await _licence_lines(session, principal)
    if can(principal, "batch.list"):
        sections["batch_counts"] = await overview.batch_counts(session, principal)
        sections["latest_batches"] = await overview.latest_batches(session, principal)
    if can(principal, "scan.list"):
        sections["scans"] = await overview.scan_summary(session, principal)
    if principal.is_licensee and can(principal, "appeal.list"):
        # what the bureau did against this enterprise, and until when it may appeal
        page = PageParams(limit=APPEALS_SHOWN, offset=0)
        sections["appeal_rights"], _ = await appeal_service.list_readable(session, principal, page)
        if principal.enterprise_id is not None:
            listing = await credit_service.in_force_listing(session, principal.enterprise_id)
            sections["credit_listing"] = listing
    if can(principal, "report.list"):
        sections["report_counts"] = await report_service.status_counts(session, principal)
        sections["reports"] = await report_service.latest_for(session, principal)
    return sections


@router.get("", response_class=HTMLResponse)
async def home(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("console.home")],
) -> HTMLResponse:
    context = await _sections(session, principal)
    context["may_request"] = can(principal, "batch.request")
    return render(request, "dashboard.html", context)
