"""Print files over HTTP. Everything CPU-heavy runs in worker threads, never on the event loop,
so the server keeps answering (``/healthz``, verification) while a big file is built: the PDF
is written page by page in a thread and streamed as it grows, in files of at most 10,000
labels; CSV rows are formatted a fetch (5,000 rows) at a time in a thread; QR images too.

Files hold only live labels (``printjobs``) and say, in their first line, how many of the range
were left out and why.

A second router file of the label domain because streaming files from worker threads is its
own concern (threads, chunking, content types), kept apart from the JSON batch routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import chain
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from app.auth.deps import SettingsDep
from app.core.db import Database, SessionDep, get_database
from app.core.errors import Unprocessable
from app.core.permissions import permit
from app.core.principal import Principal
from app.label import printjobs
from app.label.exceptions import TooManyLabelsForOneFile
from app.label.printing.csv_export import csv_lines
from app.label.printing.qr import qr_png, qr_svg
from app.label.printing.sheet import SheetLayout

router = APIRouter(prefix="/api/v1", tags=["print files"])

# Print shops hold licensee API keys; regulators may pull files for a case.
MAX_LABELS_PER_PDF = 10_000


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


NOT_ISSUED: dict[int | str, dict[str, Any]] = {
    409: {"description": "only issued batches are printed"}
}


@router.get(
    "/batches/{batch_id}/labels.csv",
    responses={
        200: {"content": {"text/csv": {}}, "description": "one line per label"},
        **NOT_ISSUED,
    },
)
async def batch_csv(
    session: SessionDep,
    database: Annotated[Database, Depends(get_database)],
    settings: SettingsDep,
    actor: Annotated[Principal, permit("batch.print")],
    batch_id: int,
) -> StreamingResponse:
    """Code, grouped code and QR URL of every label, for variable-data printers."""
    job = await printjobs.prepare(session, actor, batch_id, settings.public_base_url)
    comment = (await printjobs.summary(session, job, 1, job.quantity)).csv_comment()

    async def lines() -> AsyncIterator[str]:
        yield comment
        # The request's session has committed by the time the body streams: read with our own.
        async with database.sessionmaker() as reader:
            header = True
            async for chunk in printjobs.codes(reader, job.batch_id, 1, job.quantity):
                yield await run_in_threadpool(_csv_block, job, chunk, header)
                header = False

    name = f"labels-{job.lot_number}.csv"
    return StreamingResponse(
        lines(), media_type="text/csv; charset=utf-8", headers=_attachment(name)
    )


def _csv_block(job: printjobs.PrintJob, chunk: list[tuple[int, str]], header: bool) -> str:
    rows = [(serial, code, job.url(code)) for serial, code in chunk]
    return "".join(csv_lines(rows, header=header))


@router.get(
    "/batches/{batch_id}/labels.pdf",
    responses={
        200: {"content": {"application/pdf": {}}, "description": "print sheets"},
        **NOT_ISSUED,
    },
)
async def batch_pdf(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("batch.print")],
    batch_id: int,
    from_serial: Annotated[int, Query(ge=1)] = 1,
    to_serial: Annotated[int | None, Query(ge=1)] = None,
    label_width_mm: Annotated[float, Query(ge=20, le=200)] = 50,
    label_height_mm: Annotated[float, Query(ge=10, le=280)] = 30,
    margin_mm: Annotated[float, Query(ge=0, le=40)] = 8,
    gap_mm: Annotated[float, Query(ge=0, le=20)] = 2,
) -> StreamingResponse:
    """A4 sheets for serials ``from_serial``..``to_serial`` (at most 10,000 labels a file:
    a million-label batch is printed as a series of files)."""
    job = await printjobs.prepare(session, actor, batch_id, settings.public_base_url)
    last = min(to_serial or job.quantity, job.quantity)
    if from_serial > last:  # also keeps a 64-bit serial out of the 32-bit column's query
        raise Unprocessable(
            f"from_serial {from_serial} is past the last serial asked for ({last})",
            field="from_serial",
        )
    if last - from_serial + 1 > MAX_LABELS_PER_PDF:
        raise TooManyLabelsForOneFile(
            f"at most {MAX_LABELS_PER_PDF} labels per PDF; ask for serial ranges, "
            f"e.g. from_serial={from_serial}&to_serial={from_serial + MAX_LABELS_PER_PDF - 1}"
        )
    notice = (await printjobs.summary(session, job, from_serial, last)).pdf_line()
    codes = [
        code
        async for chunk in printjobs.codes(session, job.batch_id, from_serial, last)
        for _, code in chunk
    ]
    layout = SheetLayout(label_width_mm, label_height_mm, margin_mm, gap_mm)
    pages = printjobs.pdf_chunks(job, codes, layout, notice)
    # The first piece passes the print check: a refusal is still a 422, not a cut-off file.
    # Starlette pulls the rest of a plain iterator in worker threads as well.
    first = await run_in_threadpool(next, pages)
    name = f"labels-{job.lot_number}-{from_serial}-{last}.pdf"
    return StreamingResponse(
        chain([first], pages), media_type="application/pdf", headers=_attachment(name)
    )


QR_FORMATS = {"png": (qr_png, "image/png"), "svg": (qr_svg, "image/svg+xml")}


@router.get(
    "/labels/{code}/qr.{kind}",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}, "image/svg+xml": {}}, "description": "the symbol"},
        **NOT_ISSUED,
    },
)
async def label_qr(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, permit("label.print")],
    code: str,
    kind: Annotated[str, Path(pattern="^(png|svg)$")],
) -> Response:
    """One label's QR symbol as PNG or SVG, encoding what its batch's print files encode (the
    short URL, or the GS1 Digital Link the product chose); live labels of a batch that prints
    only, as for the batch's files."""
    label = await printjobs.printable_label(session, actor, code)
    url = await printjobs.label_url(session, actor, label, settings.public_base_url)
    render, media_type = QR_FORMATS[kind]
    return Response(await run_in_threadpool(render, url), media_type=media_type)
