"""What every print file of a batch needs, gathered once; HTTP endpoints and the CLI share it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.core.errors import InvalidState
from app.enterprise.models import Enterprise
from app.label import service
from app.label.exceptions import PrintSizeRefused
from app.label.models import BatchStatus, Label, LabelBatch
from app.label.printing.sheet import LabelText, PrintCheckError, SheetLayout, render_sheets
from app.label.urls import verification_url
from app.registry import service as registry_service

FETCH = 5_000


@dataclass(frozen=True)
class PrintJob:
    batch_id: int
    quantity: int
    lot_number: str
    base_url: str
    gtin: str | None
    text: LabelText
    artwork_png: bytes | None

    def url(self, code: str) -> str:
        return verification_url(self.base_url, code, self.gtin, self.lot_number)


async def prepare(
    session: AsyncSession, actor: Principal, batch_id: int, base_url: str
) -> PrintJob:
    batch = await service.get_readable(session, actor, batch_id)
    if batch.status is not BatchStatus.ISSUED:
        raise InvalidState(
            f"only issued batches are printed; this one is {batch.status.value}",
            current_state=batch.status,
        )
    product = await registry_service.get_product(session, batch.product_id)
    artwork = await registry_service.get_artwork(session, product.id)
    legal = registry_service.legal_line(product)
    return PrintJob(
        batch_id=batch.id, quantity=batch.quantity, lot_number=batch.lot_number,
        base_url=base_url, gtin=product.gtin,
        text=await _label_text(session, batch, product.name_zh, legal),
        artwork_png=artwork[0] if artwork and artwork[1] == "image/png" else None,
    )  # fmt: skip


async def _label_text(session: AsyncSession, batch: LabelBatch, name: str, legal: str) -> LabelText:
    uscc = await session.scalar(select(Enterprise.uscc).where(Enterprise.id == batch.enterprise_id))
    return LabelText(uscc=uscc or "", legal_line=legal, gi_name=name, lot=batch.lot_number)


async def codes(
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


def render_pdf(
    out: BinaryIO, job: PrintJob, labels: list[tuple[str, str]], layout: SheetLayout
) -> int:
    """Blocking (CPU-bound): run it in a worker thread."""
    try:
        return render_sheets(out, labels, job.text, layout, job.artwork_png)
    except PrintCheckError as exc:
        raise PrintSizeRefused(str(exc)) from exc
