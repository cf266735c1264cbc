"""Replacement labels for voided ones, from the batch page, in two steps like voiding: the
form is checked by the label service's own rules without changing anything
(``replacement.plan``), a confirmation page says what will happen ("requests lot WY-017-R1 of
3 labels; this season's quota: 40 of 50 used, 43 after"), and only its button makes the
request (``replacement.request_replacements``, the call behind
``POST /api/v1/batches/{id}/replacements``). The new batch's page follows (Post/Redirect/Get).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.replacement_form import ReplacementForm
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.principal import Principal
from app.label import licence_use, replacement
from app.label import service as label_service
from app.label.code import format_grouped
from app.label.exceptions import QuotaExceeded
from app.licence import service as licence_service

router = APIRouter(prefix="/console/batches", include_in_schema=False)

SHOWN = 20  # codes listed on the confirmation page


async def _form_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    batch_id: int,
    form: ReplacementForm,
    status: int = 200,
) -> HTMLResponse:
    batch = await label_service.get_readable(session, principal, batch_id)
    found = await replacement.replacements(session, principal, batch.id)
    context = {"batch": batch, "form": form, "left": found.voided_not_replaced}
    return render(request, "replacement.html", context, status)


@router.get("/{batch_id}/replacements", response_class=HTMLResponse)
async def replacement_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.replace")],
    batch_id: int,
) -> HTMLResponse:
    """The form on its own page: all voided labels not yet replaced, or the codes pasted."""
    return await _form_page(request, session, principal, batch_id, ReplacementForm())


@router.post("/{batch_id}/replacements", response_class=HTMLResponse)
async def replacement_check(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.replace")],
    batch_id: int,
) -> HTMLResponse:
    """Step one: check, change nothing, and ask for confirmation with the quota's figures."""
    form = ReplacementForm.from_form(await request.form())
    data = form.validated()
    if data is None:
        return await _form_page(request, session, principal, batch_id, form, 422)
    try:
        checked = await replacement.plan(session, principal, batch_id, data)
        licence = await licence_service.get_readable(
            session, principal, checked.original.licence_id
        )
        quota = await licence_use.season_quota(session, licence, checked.original.season)
        if len(checked.codes) > quota.remaining:  # the act would refuse it: say so now
            raise QuotaExceeded(
                "over the season's quota", requested=len(checked.codes), remaining=quota.remaining
            )
    except DomainError as exc:
        form.refuse(exc)
        return await _form_page(request, session, principal, batch_id, form, exc.status)
    context = {
        "batch": checked.original,
        "form": form,
        "lot_number": checked.lot_number,
        "count": len(checked.codes),
        "codes": [format_grouped(code) for code in checked.codes[:SHOWN]],
        "quota": quota,
        "licence": licence,
    }
    return render(request, "replacement_confirm.html", context)


@router.post("/{batch_id}/replacements/confirm", response_class=HTMLResponse)
async def replacement_confirmed(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("batch.replace")],
    batch_id: int,
) -> Response:
    """Step two: the request itself; a refusal (the quota, a code replaced meanwhile) goes
    back to the form with what was typed."""
    form = ReplacementForm.from_form(await request.form())
    data = form.validated()
    if data is None:
        return await _form_page(request, session, principal, batch_id, form, 422)
    settings = request.app.state.settings
    try:
        async with session.begin_nested():
            batch = await replacement.request_replacements(
                session, principal, batch_id, data, settings
            )
    except DomainError as exc:
        form.refuse(exc)
        return await _form_page(request, session, principal, batch_id, form, exc.status)
    done = f"/console/batches/{batch.id}?done=replacement&n={batch.quantity}"
    return RedirectResponse(done, status_code=303)
