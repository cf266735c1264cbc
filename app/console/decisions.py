"""The regulator's decisions on a page: a licence application (approve with its validity, or
reject) and a batch request (approve, issuing its codes, or reject), each with a reason.

The forms call the same services as the API (``app.licence.service``,
``app.label.service``), so the same locks, audit events and 409/422 refusals apply; a refusal
is shown next to the field at fault with everything typed kept, and a success redirects
(Post/Redirect/Get) to the page showing the new state. The licence page is also the
licensee's view of its own licence (scoped as on the API: another enterprise's is 404)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.appeal import service as appeal_service
from app.console.decision_form import DecisionForm
from app.console.deps import permit_console
from app.console.form_flow import decide
from app.console.templates import render
from app.core.db import SessionDep
from app.core.permissions import can
from app.core.principal import OrgKind, Principal
from app.core.time import public_today
from app.enterprise import service as enterprise_service
from app.label import licence_use, replacement
from app.label import service as label_service
from app.label.models import BatchStatus
from app.label.schemas import BatchApprove, BatchDecision
from app.licence import service as licence_service
from app.licence.models import LicenceStatus
from app.licence.schemas import LicenceApprove, LicenceDecision, LicenceEndorse
from app.registry import service as registry_service

# The states a licence may be withdrawn from (``licence_service.lock_withdrawable``).
WITHDRAWABLE = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED, LicenceStatus.EXPIRED)

licences = APIRouter(prefix="/console/licences", include_in_schema=False)
batches = APIRouter(prefix="/console/batches", include_in_schema=False)


# --- licence applications -------------------------------------------------------------------


async def show_licence(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    licence_id: int,
    form: DecisionForm,
    status: int = 200,
) -> HTMLResponse:
    licence = await licence_service.get_readable(session, principal, licence_id)
    state = licence_service.effective_status(licence)
    product = await registry_service.get_product(session, licence.product_id)
    pending = state in LicenceStatus.undecided()
    awaiting = pending and licence_service.needs_endorsement(licence, product)
    registrant = product.registrant_organisation_id
    speaks_for_mark = registrant is not None and principal.organisation_id == registrant
    context: dict[str, Any] = {
        "licence": licence,
        "state": state.value,
        "enterprise": await enterprise_service.get_readable(
            session, principal, licence.enterprise_id
        ),
        "product": product,
        "registrant": await registry_service.registrant_of(session, product),
        "awaiting_endorsement": awaiting,
        "may_endorse": awaiting and speaks_for_mark and can(principal, "licence.endorse"),
        "may_approve": pending and can(principal, "licence.approve"),
        "may_reject": pending
        and can(principal, "licence.reject")
        and (principal.org_kind is not OrgKind.ASSOCIATION or speaks_for_mark),
        "may_suspend": state is LicenceStatus.ACTIVE and can(principal, "licence.suspend"),
        "may_reinstate": state is LicenceStatus.SUSPENDED and can(principal, "licence.reinstate"),
        "may_withdraw": state in WITHDRAWABLE and can(principal, "licence.withdraw"),
        "from_queues": can(principal, "console.queues"),  # else back to the overview
        "form": form,
        "today": public_today().isoformat(),
        "appeal_rights": await appeal_service.rights_of(session, principal, "licence", licence.id),
    }
    return render(request, "licence.html", context, status)


@licences.get("/{licence_id}", response_class=HTMLResponse)
async def licence_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.read")],
    licence_id: int,
) -> HTMLResponse:
    return await show_licence(request, session, principal, licence_id, DecisionForm())


@licences.post("/{licence_id}/approve", response_class=HTMLResponse)
async def approve_licence(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.approve")],
    licence_id: int,
) -> Response:
    names = ("valid_from", "valid_until", "reason")
    form = DecisionForm.from_form("approve", await request.form(), names)
    return await decide(
        session,
        form,
        form.validated(LicenceApprove),
        lambda data: licence_service.approve(session, principal, licence_id, data),
        lambda status: show_licence(request, session, principal, licence_id, form, status),
        f"/console/licences/{licence_id}",
    )


@licences.post("/{licence_id}/endorse", response_class=HTMLResponse)
async def endorse_licence(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.endorse")],
    licence_id: int,
) -> Response:
    form = DecisionForm.from_form("endorse", await request.form(), ("note",))
    return await decide(
        session,
        form,
        form.validated(LicenceEndorse),
        lambda data: licence_service.endorse(session, principal, licence_id, data),
        lambda status: show_licence(request, session, principal, licence_id, form, status),
        f"/console/licences/{licence_id}",
    )


@licences.post("/{licence_id}/reject", response_class=HTMLResponse)
async def reject_licence(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("licence.reject")],
    licence_id: int,
) -> Response:
    form = DecisionForm.from_form("reject", await request.form(), ("reason",))
    return await decide(
        session,
        form,
        form.validated(LicenceDecision, confirm=True),
        lambda data: licence_service.reject(session, principal, licence_id, data),
        lambda status: show_licence(request, session, principal, licence_id, form, status),
        f"/console/licences/{licence_id}",
    )


# --- batch requests -------------------------------------------------------------------------


async def _batch_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    batch_id: int,
    form: DecisionForm,
    status: int = 200,
) -> HTMLResponse:
    batch = await label_service.get_readable(session, principal, batch_id)
    licence = await licence_service.get_readable(session, principal, batch.licence_id)
    quota = None
    if licence_service.effective_status(licence) is LicenceStatus.ACTIVE:
        quota = await licence_use.season_quota(session, licence, batch.season)
    context: dict[str, Any] = {
        "batch": batch,
        "licence": licence,
        "quota": quota,
        "enterprise": await enterprise_service.get_readable(
            session, principal, batch.enterprise_id
        ),
        "product": await registry_service.get_product(session, batch.product_id),
        "may_decide": batch.status is BatchStatus.REQUESTED,
        "form": form,
        # A replacement for voided labels says which lot it replaces (issue 12).
        "replaces": (await replacement.replacements(session, principal, batch.id)).replaces,
    }
    return render(request, "batch_decision.html", context, status)


@batches.get("/{batch_id}/decision", response_class=HTMLResponse)
async def batch_decision_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.approve")],
    batch_id: int,
) -> HTMLResponse:
    return await _batch_page(request, session, principal, batch_id, DecisionForm())


@batches.post("/{batch_id}/approve", response_class=HTMLResponse)
async def approve_batch(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.approve")],
    batch_id: int,
) -> Response:
    form = DecisionForm.from_form("approve", await request.form(), ("reason",))
    settings = request.app.state.settings
    return await decide(
        session,
        form,
        form.validated(BatchApprove),
        lambda data: label_service.approve(
            session, principal, batch_id, data, settings, large_in_job=True
        ),
        lambda status: _batch_page(request, session, principal, batch_id, form, status),
        f"/console/batches/{batch_id}",
    )


@batches.post("/{batch_id}/reject", response_class=HTMLResponse)
async def reject_batch(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.reject")],
    batch_id: int,
) -> Response:
    form = DecisionForm.from_form("reject", await request.form(), ("reason",))
    return await decide(
        session,
        form,
        form.validated(BatchDecision, confirm=True),
        lambda data: label_service.reject(session, principal, batch_id, data),
        lambda status: _batch_page(request, session, principal, batch_id, form, status),
        f"/console/batches/{batch_id}",
    )
