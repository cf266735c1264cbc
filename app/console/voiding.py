"""Void and un-void labels from the console, in two steps: the form (codes pasted, or ticked in
the batch's label list) is checked by the label service's own rules without changing anything
(``preview_void``), and a confirmation page says what will change ("voids 3 labels of lot
WY-2026-017; 1 of them already scanned"); only its button carries out the act
(``void_labels`` / ``undo_void``, the same calls as ``POST /api/v1/labels/void|unvoid``). A
refusal at either step goes back to the form with the codes kept and the reason next to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.console.deps import permit_console
from app.console.templates import render
from app.console.void_form import VoidForm
from app.core.db import SessionDep
from app.core.errors import DomainError, Forbidden
from app.core.permissions import can
from app.core.principal import Principal
from app.label import service as label_service
from app.label.code import format_grouped
from app.label.models import Label, LabelBatch
from app.label.schemas import VoidRequest

router = APIRouter(prefix="/console/batches", include_in_schema=False)

SHOWN = 20  # codes listed per lot on the confirmation page


@dataclass(frozen=True, slots=True)
class LotChange:
    batch: LabelBatch
    codes: list[str]  # grouped, as printed
    scanned: int = 0  # of them, already scanned by a shopper (a void turns their next check)


async def _by_lot(
    session: AsyncSession, principal: Principal, labels: list[Label]
) -> list[LotChange]:
    codes: dict[int, list[str]] = {}
    for label in labels:
        codes.setdefault(label.batch_id, []).append(format_grouped(label.code))
    scanned = await label_service.scanned_by_batch(session, labels)
    return [
        LotChange(
            await label_service.get_readable(session, principal, batch_id),
            found,
            scanned.get(batch_id, 0),
        )
        for batch_id, found in codes.items()
    ]


async def _form_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    batch_id: int,
    form: VoidForm,
    status: int = 200,
) -> HTMLResponse:
    batch = await label_service.get_readable(session, principal, batch_id)
    return render(request, "void.html", {"batch": batch, "form": form}, status)


@router.get("/{batch_id}/void", response_class=HTMLResponse)
async def void_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("label.void")],
    batch_id: int,
) -> HTMLResponse:
    """The form, filled with the codes ticked in the label list (``?codes=…``), if any."""
    form = VoidForm.from_values(request.query_params)
    return await _form_page(request, session, principal, batch_id, form)


@router.post("/{batch_id}/void", response_class=HTMLResponse)
async def void_check(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("label.void")],
    batch_id: int,
) -> HTMLResponse:
    """Step one: check, change nothing, and ask for confirmation."""
    form = VoidForm.from_values(await request.form())
    data = form.validated()
    if data is None:
        return await _form_page(request, session, principal, batch_id, form, 422)
    try:
        undo = form.act == "unvoid"
        labels = await label_service.preview_void(session, principal, data.codes, undo=undo)
    except DomainError as exc:
        form.refuse(exc)
        return await _form_page(request, session, principal, batch_id, form, exc.status)
    context = {
        "batch": await label_service.get_readable(session, principal, batch_id),
        "form": form,
        "count": len(labels),
        "lots": await _by_lot(session, principal, labels),
        "shown": SHOWN,
    }
    return render(request, "void_confirm.html", context)


@router.post("/{batch_id}/void/confirm", response_class=HTMLResponse)
async def void_confirmed(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("label.void")],
    batch_id: int,
) -> Response:
    """Step two: the act itself (un-void needs its own permission too)."""
    form = VoidForm.from_values(await request.form())
    data = form.validated()
    if data is None:
        return await _form_page(request, session, principal, batch_id, form, 422)
    try:
        async with session.begin_nested():
            if isinstance(data, VoidRequest):
                changed = await label_service.void_labels(
                    session, principal, data.codes, data.reason
                )
            else:
                if not can(principal, "label.unvoid"):
                    raise Forbidden("you may not un-void labels")
                changed = await label_service.undo_void(session, principal, data.codes)
    except DomainError as exc:
        form.refuse(exc)
        return await _form_page(request, session, principal, batch_id, form, exc.status)
    done = f"/console/batches/{batch_id}?done={form.act}&n={len(changed)}"
    return RedirectResponse(done, status_code=303)
