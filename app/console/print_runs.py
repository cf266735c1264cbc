"""Record a print run from a batch's page (issue 13, point 4): the form posts here, the
supervision service records it (``ledger.record_print_run``, the call behind
``POST /api/v1/print-runs``), and the page lists it (Post/Redirect/Get); a refused form comes
back on the batch page with everything typed and the errors by field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.console import batch_view
from app.console.deps import permit_console
from app.console.print_run_form import PrintRunForm
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.principal import Principal
from app.supervision import ledger as ledger_service

router = APIRouter(prefix="/console/batches", include_in_schema=False)


@router.post("/{batch_id}/print-runs", response_model=None)
async def record_print_run(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("print_run.record")],
    batch_id: int,
) -> Response:
    form = PrintRunForm.from_form(await request.form())
    data = form.validated(batch_id)
    if data is None:
        return await batch_view.page(
            request, session, principal, batch_id, status=422, run_form=form
        )
    try:
        async with session.begin_nested():
            await ledger_service.record_print_run(session, principal, data)
    except DomainError as exc:
        if exc.status == 404:
            raise
        form.refuse(exc)
        return await batch_view.page(
            request, session, principal, batch_id, status=exc.status, run_form=form
        )
    done = f"/console/batches/{batch_id}?done=print_run&n={data.quantity}#h-runs"
    return RedirectResponse(done, status_code=303)
