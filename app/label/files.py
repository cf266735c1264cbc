"""Print files: streamed so that a million-label batch never sits in memory at once."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, BinaryIO, cast

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from app.auth.deps import SettingsDep, require_roles
from app.auth.models import Role
from app.auth.principal import Principal
from app.core.db import Database, SessionDep, get_database
from app.core.errors import InvalidState
from app.enterprise.models import Enterprise
from app.label import service
from app.label.exceptions import PrintSizeRefused, TooManyLabelsForOneFile
from app.label.models import BatchStatus, Label, LabelBatch
from app.label.printing.csv_export import csv_lines
from app.label.printing.qr import qr_png, qr_svg
from app.label.printing.sheet import LabelText, PrintCheckError, SheetLayout, render_sheets
from app.label.urls import verification_url
from app.registry import service as registry_service
from app.registry.models import GIProduct

router = APIRouter(prefix="/api/v1", tags=["print files"])

# Print shops hold licensee API keys; regulators may pull files for a case.
Printer = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.REGULATOR, Role.LICENSEE))]
MAX_LABELS_PER_PDF = 10_000
FETCH = 5_000


async def _printable(session: AsyncSession, actor: Principal, batch_id: int) -> LabelBatch:
    batch = await service.get_readable(session, actor, batch_id)
    if batch.status is not BatchStatus.ISSUED:
        raise InvalidState(
            f"only issued batches are printed; this one is {batch.status.value}",
            current_state=batch.status,
        )
    return batch


async def _codes(
    session: AsyncSession, batch_id: int, first: int, last: int
) -> AsyncIterator[list[tuple[int, str]]]:
    """(serial, code) in serial order, fetched in pages by key so memory stays flat."""
    after = first - 1
    while after < last:
        result = await session.execute(
            select(Label.serial, Label.code)
            .where(Label.batch_id == batch_id, Label.serial > after, Label.serial <= last)
            .order_by(Label.serial)
            .limit(FETCH)
        )
        rows = [(serial, code) for serial, code in result]
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _url(settings_base: str, product: GIProduct, batch: LabelBatch, code: str) -> str:
    return verification_url(settings_base, code, product.gtin, batch.lot_number)


@router.get("/batches/{batch_id}/labels.csv")
async def batch_csv(
    session: SessionDep,
    database: Annotated[Database, Depends(get_database)],
    settings: SettingsDep,
    actor: Printer,
    batch_id: int,
) -> StreamingResponse:
    """Code, grouped code and QR URL of every label, for variable-data printers."""
    batch = await _printable(session, actor, batch_id)
    product = await registry_service.get_product(session, batch.product_id)
    base = settings.public_base_url

    async def lines() -> AsyncIterator[str]:
        # The request's session has committed by the time the body streams: read with our own.
        async with database.sessionmaker() as reader:
            first = True
            async for chunk in _codes(reader, batch.id, 1, batch.quantity):
                rows = [(serial, code, _url(base, product, batch, code)) for serial, code in chunk]
                for i, line in enumerate(csv_lines(rows)):
                    if i or first:  # the header line only once
                        yield line
                first = False

    name = f"labels-{batch.lot_number}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)


def _layout(width: float, height: float, margin: float, gap: float) -> SheetLayout:
    return SheetLayout(label_width_mm=width, label_height_mm=height, margin_mm=margin, gap_mm=gap)


@router.get("/batches/{batch_id}/labels.pdf")
async def batch_pdf(
    session: SessionDep,
    settings: SettingsDep,
    actor: Printer,
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
    batch = await _printable(session, actor, batch_id)
    last = min(to_serial or batch.quantity, batch.quantity)
    if last - from_serial + 1 > MAX_LABELS_PER_PDF:
        raise TooManyLabelsForOneFile(
            f"at most {MAX_LABELS_PER_PDF} labels per PDF; ask for serial ranges, "
            f"e.g. from_serial={from_serial}&to_serial={from_serial + MAX_LABELS_PER_PDF - 1}"
        )
    product = await registry_service.get_product(session, batch.product_id)
    artwork = await registry_service.get_artwork(session, product.id)
    labels = [
        (code, _url(settings.public_base_url, product, batch, code))
        async for chunk in _codes(session, batch.id, from_serial, last)
        for _, code in chunk
    ]
    text = await _label_text(session, batch, product)
    layout = _layout(label_width_mm, label_height_mm, margin_mm, gap_mm)
    png = artwork[0] if artwork and artwork[1] == "image/png" else None
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - streamed below
    try:
        await run_in_threadpool(render_sheets, cast(BinaryIO, spool), labels, text, layout, png)
    except PrintCheckError as exc:
        spool.close()
        raise PrintSizeRefused(str(exc)) from exc
    spool.seek(0)
    name = f"labels-{batch.lot_number}-{from_serial}-{last}.pdf"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(_drain(spool), media_type="application/pdf", headers=headers)


def _drain(spool: tempfile.SpooledTemporaryFile[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(256 * 1024):
            yield chunk


async def _label_text(session: AsyncSession, batch: LabelBatch, product: GIProduct) -> LabelText:
    uscc = await session.scalar(select(Enterprise.uscc).where(Enterprise.id == batch.enterprise_id))
    return LabelText(
        uscc=uscc or "", legal_line=registry_service.legal_line(product),
        gi_name=product.name_zh, lot=batch.lot_number,
    )  # fmt: skip


@router.get("/labels/{code}/qr.png")
async def label_png(
    session: SessionDep, settings: SettingsDep, actor: Printer, code: str
) -> Response:
    label = await service.get_label(session, actor, code)
    url = verification_url(settings.public_base_url, label.code)
    return Response(await run_in_threadpool(qr_png, url), media_type="image/png")


@router.get("/labels/{code}/qr.svg")
async def label_svg(
    session: SessionDep, settings: SettingsDep, actor: Printer, code: str
) -> Response:
    label = await service.get_label(session, actor, code)
    url = verification_url(settings.public_base_url, label.code)
    return Response(await run_in_threadpool(qr_svg, url), media_type="image/svg+xml")
