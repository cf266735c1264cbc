"""``/console/credit``: the credit list (严重违法失信名单) on a page, and the appeal trail.

A regulator lists an enterprise (found by its USCC) with reason, legal basis, case number and
dates, and ends a listing early; both first show what they change, then go through
``app.credit.service`` (same checks, audit event and appeal right as the API). A licensee sees
its own listings and every adverse act against it with the deadlines to appeal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.appeal import service as appeal_service
from app.console.deciding import Confirmation, confirm_then_decide
from app.console.decision_form import DecisionForm
from app.console.deps import permit_console
from app.console.templates import render
from app.core.db import SessionDep
from app.core.pagination import PageParams
from app.core.permissions import can
from app.core.principal import Principal
from app.core.time import public_today
from app.credit import service as credit_service
from app.credit.models import CreditListing
from app.credit.schemas import CreditListingCreate, CreditListingEnd
from app.enterprise import service as enterprise_service

router = APIRouter(prefix="/console/credit", include_in_schema=False)

SHOWN = 100  # listings on the page, newest first; a county lists a handful a year
LISTING_FIELDS = ("uscc", "reason", "legal_basis", "case_number", "starts_on", "ends_on")
USCC_UNKNOWN = (
    "没有以此统一社会信用代码登记的企业。",
    "No enterprise is registered with this unified social credit code.",
)


def _state(listing: CreditListing) -> str:
    today = public_today()
    if listing.ended_at is not None:
        return "ended"
    if listing.ends_on < today:
        return "expired"
    return "in_force" if listing.starts_on <= today else "upcoming"


async def _page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    form: DecisionForm,
    status: int = 200,
) -> HTMLResponse:
    page = PageParams(limit=SHOWN, offset=0)
    listings, total = await credit_service.list_readable(session, principal, page)
    names = await enterprise_service.names_by_id(
        session, principal, {listing.enterprise_id for listing in listings}
    )
    rows = [
        {
            "listing": listing,
            "enterprise": names.get(listing.enterprise_id, ""),
            "state": _state(listing),
        }
        for listing in listings
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "total": total,
        "form": form,
        "may_list": can(principal, "credit.list"),
        "may_end": can(principal, "credit.end"),
        "today": public_today().isoformat(),
    }
    if principal.is_licensee:
        rights, _ = await appeal_service.list_readable(session, principal, page)
        context["rights_against"] = rights
    return render(request, "credit.html", context, status)


@router.get("", response_class=HTMLResponse)
async def credit_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("credit.read")],
) -> HTMLResponse:
    return await _page(request, session, principal, DecisionForm())


async def _enterprise_by_uscc(
    session: AsyncSession, principal: Principal, uscc: str
) -> tuple[int, str] | None:
    if not uscc:
        return None
    found, _ = await enterprise_service.list_readable(
        session, principal, PageParams(limit=5, offset=0), uscc
    )
    exact = [e for e in found if e.uscc == uscc.upper()]
    return (exact[0].id, exact[0].name) if exact else None


@router.post("", response_class=HTMLResponse)
async def add_listing(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("credit.list")],
) -> Response:
    posted = await request.form()
    form = DecisionForm.from_form("add", posted, (*LISTING_FIELDS, "published"))
    enterprise = await _enterprise_by_uscc(session, principal, form.values.get("uscc", ""))
    extra: dict[str, Any] = {"published": bool(form.values.get("published"))}
    if enterprise is not None:
        extra["enterprise_id"] = enterprise[0]
    data = form.validated(CreditListingCreate, extra=extra, whole="ends_on")
    if enterprise is None:
        form.errors["uscc"] = USCC_UNKNOWN
        data = None

    async def describe(data: CreditListingCreate) -> Confirmation:
        name = enterprise[1] if enterprise else ""
        period = f"{data.starts_on.isoformat()} – {data.ends_on.isoformat()}"
        public = data.published
        return Confirmation(
            title=("列入严重违法失信名单", "Put on the credit list"),
            changes=(
                f"将“{name}”列入严重违法失信名单（{period}）：期间不得申请许可证和标签批次"
                + ("，并在公开名单中公示" if public else "（不公示）")
                + "；现有许可证和标签不受影响。",
                f"lists “{name}” on the credit list ({period}): meanwhile it may not apply for"
                " a licence or request label batches"
                + (", and the listing is published" if public else " (not published)")
                + "; its licences and labels are not affected.",
            ),
            button=("确认列入", "Put on the list"),
            action="/console/credit",
            back="/console/credit",
            facts=[
                (("理由", "Reason"), data.reason),
                (("法律依据", "Legal basis"), data.legal_basis),
                (("案件编号", "Case number"), data.case_number),
            ],
        )

    async def page(status: int) -> Response:
        return await _page(request, session, principal, form, status)

    return await confirm_then_decide(
        request,
        session,
        form,
        data,
        describe,
        lambda data: credit_service.add(session, principal, data),
        page,
        "/console/credit",
    )


@router.post("/{listing_id}/end", response_class=HTMLResponse)
async def end_listing(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("credit.end")],
    listing_id: int,
) -> Response:
    form = DecisionForm.from_form(f"end-{listing_id}", await request.form(), ("reason",))

    async def describe(data: CreditListingEnd) -> Confirmation:
        listing = await credit_service.get(session, principal, listing_id)
        names = await enterprise_service.names_by_id(session, principal, [listing.enterprise_id])
        name = names.get(listing.enterprise_id, "")
        return Confirmation(
            title=("提前移出名单", "End the listing early"),
            changes=(
                f"提前结束“{name}”的列入（案件 {listing.case_number}，原定至"
                f" {listing.ends_on.isoformat()}）：即日起可以申请许可证和标签批次。",
                f"ends the listing of “{name}” (case {listing.case_number}, due to run until"
                f" {listing.ends_on.isoformat()}) today: it may apply for licences and request"
                " batches again.",
            ),
            button=("确认移出", "End the listing"),
            action=f"/console/credit/{listing_id}/end",
            back="/console/credit",
            facts=[(("理由", "Reason"), data.reason)],
        )

    async def page(status: int) -> Response:
        return await _page(request, session, principal, form, status)

    return await confirm_then_decide(
        request,
        session,
        form,
        form.validated(CreditListingEnd),
        describe,
        lambda data: credit_service.end_early(session, principal, listing_id, data.reason),
        page,
        "/console/credit",
    )
