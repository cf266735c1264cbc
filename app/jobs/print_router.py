"""Print files of any size: ``POST /batches/{id}/print-files`` answers with the file when the
range holds at most ``print_background_threshold`` live labels, else 202 with a job to poll
(``GET /jobs/{id}``); ``GET /print-files/{job_id}`` fetches the finished file.

A second router file of the jobs domain because its paths are the batches' and the files',
not ``/jobs``, and it answers with files; it sits here, not in the label domain, because a
print job is queued (and audited) through the jobs service, which the label domain below
cannot import. The label domain's ``GET …/labels.csv|pdf`` stay as they are.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask

from app.auth.deps import SettingsDep
from app.core.config import Settings
from app.core.db import SessionDep
from app.core.permissions import permit
from app.core.principal import Principal
from app.jobs import print_files
from app.jobs.schemas import JobRead
from app.label import printfile
from app.label.printfile import PrintFormat, PrintPlan

router = APIRouter(prefix="/api/v1", tags=["print files"])

SERIAL = Field(ge=1, le=2**31 - 1)
FILE_CONTENT: dict[str, Any] = {
    "application/pdf": {},
    "text/csv": {},
    "application/zip": {},
}


class PrintFileRequest(BaseModel):
    """A print file of serials ``from_serial``..``to_serial`` (the whole batch by default).
    PNG and SVG come as one ZIP of an image a label."""

    format: PrintFormat
    from_serial: Annotated[int, SERIAL] = 1
    to_serial: Annotated[int | None, SERIAL] = None


@router.post(
    "/batches/{batch_id}/print-files",
    status_code=202,
    responses={
        200: {"content": FILE_CONTENT, "description": "the file, written at once"},
        202: {"model": JobRead, "description": "a job builds the file; poll it"},
        409: {"description": "only issued batches in good standing are printed"},
    },
)
async def request_print_file(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("print_file.request")],
    batch_id: Annotated[int, PathParam(ge=1, le=2**63 - 1)],
    body: PrintFileRequest,
) -> Response:
    """Only live labels are printed; the file's first line (or ``summary.txt``) says how many
    of the range were left out and why."""
    serials = (body.from_serial, body.to_serial)
    outcome = await print_files.request(session, actor, settings, batch_id, body.format, serials)
    if isinstance(outcome, PrintPlan):
        return await _send_now(session, settings, outcome)
    headers = {"Location": f"/api/v1/jobs/{outcome.id}"}
    payload = JobRead.of(outcome).model_dump(mode="json")
    return JSONResponse(payload, status_code=202, headers=headers)


async def _send_now(session: AsyncSession, settings: Settings, plan: PrintPlan) -> FileResponse:
    """Write the small file to a temporary file next to the big ones, send it, delete it."""
    directory = settings.resolved_print_files_dir
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".now-", suffix=".part", dir=directory)
    os.close(handle)
    path = Path(name)

    async def no_progress(_done: int, _total: int) -> None:
        return None

    try:
        await printfile.write(plan, path, lambda: nullcontext(session), no_progress)
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=plan.format.media_type,
        filename=plan.filename,
        background=BackgroundTask(path.unlink, missing_ok=True),
        status_code=200,
    )


@router.get(
    "/print-files/{job_id}",
    response_class=FileResponse,
    responses={
        200: {"content": FILE_CONTENT, "description": "the finished file"},
        409: {"description": "the job has not finished (or failed)"},
        410: {"description": "the file was deleted after the retention period"},
    },
)
async def download_print_file(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("print_file.read")],
    job_id: Annotated[int, PathParam(ge=1, le=2**63 - 1)],
) -> FileResponse:
    """The file a print job built, for the job's creator and staff (404 for anyone else)."""
    job = await print_files.get(session, actor, job_id)
    found = print_files.open_file(job, settings)
    return FileResponse(found.path, media_type=found.media_type, filename=found.filename)
