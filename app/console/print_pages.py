"""Print files from the console: the batch page's form starts a job through the same service
as ``POST /api/v1/batches/{id}/print-files`` (``app.jobs.print_files``), always in the
background so a file of any size has a page to follow; the job's page shows a ``<progress>``
bar that ``print-progress.js`` keeps current from ``…/status`` (JSON), or, without script, a
meta refresh; the finished file is downloaded from here with the console's session.

Who may see a job is the service's rule (its creator or staff, within the batch's scoping):
anyone else, or another enterprise's licensee, gets 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from app.console import batch_view
from app.console.deps import permit_console
from app.console.templates import render
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.principal import Principal
from app.jobs import print_files
from app.label import service as label_service
from app.label.printfile import PrintFormat

batches = APIRouter(prefix="/console/batches", include_in_schema=False)
files = APIRouter(prefix="/console/print-files", include_in_schema=False)

REFUSED: dict[str, tuple[str, str]] = {
    "invalid_state": (
        "只有已发码且未被暂停、召回或吊销的批次才能印刷。",
        "Only issued batches in good standing can be printed.",
    ),
    "format": ("请选择一种文件格式。", "Choose a format."),
}


@batches.post("/{batch_id}/print-files", response_class=HTMLResponse)
async def start_print_file(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("print_file.request")],
    batch_id: int,
) -> Response:
    chosen = (await request.form()).get("format")
    form = batch_view.PrintForm(format=chosen if isinstance(chosen, str) else "")
    if form.format not in {f.value for f in PrintFormat}:
        form.errors["format"] = REFUSED["format"]
        return await batch_view.page(request, session, principal, batch_id, form, 422)
    settings = request.app.state.settings
    try:
        async with session.begin_nested():
            job = await print_files.enqueue(
                session, principal, settings, batch_id, PrintFormat(form.format)
            )
    except DomainError as exc:
        if exc.status == 404:
            raise
        form.errors["format"] = REFUSED.get(exc.code, (exc.detail, exc.detail))
        return await batch_view.page(request, session, principal, batch_id, form, exc.status)
    return RedirectResponse(f"/console/print-files/{job.id}", status_code=303)


@files.get("/{job_id}", response_class=HTMLResponse)
async def print_job_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("print_file.read")],
    job_id: int,
) -> HTMLResponse:
    job = await print_files.get(session, principal, job_id)
    batch_id = int(job.args["batch_id"])
    context = {
        "job": job,
        "status": print_files.status(job),
        "batch": await label_service.get_readable(session, principal, batch_id),
        "print_format": PrintFormat(job.args["format"]),
    }
    return render(request, "print_job.html", context)


@files.get("/{job_id}/status")
async def print_job_status(
    session: SessionDep,
    principal: Annotated[Principal, permit_console("print_file.read")],
    job_id: int,
) -> JSONResponse:
    """What the progress bar shows, for ``print-progress.js`` to poll."""
    found = print_files.status(await print_files.get(session, principal, job_id))
    body = {
        "state": found.state.value,
        "done": found.done,
        "total": found.total,
        "percent": found.percent,
        "ready": found.ready,
        "expired": found.expired,
        "failed": found.error is not None,
        "download": f"/console/print-files/{job_id}/download" if found.ready else None,
        "filename": found.filename,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@files.get("/{job_id}/download", response_class=FileResponse)
async def download_print_file(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, permit_console("print_file.read")],
    job_id: int,
) -> FileResponse:
    job = await print_files.get(session, principal, job_id)
    found = print_files.open_file(job, request.app.state.settings)
    return FileResponse(found.path, media_type=found.media_type, filename=found.filename)
