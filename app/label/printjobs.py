"""What every print file of a batch needs, gathered once; HTTP endpoints and the CLI share it.

Only live labels are printed: a batch prints only while it is issued and in good standing
(not suspended, recalled or revoked) under a licence that is not suspended or withdrawn, and
within it void and revoked labels are left out, counted in the file's summary line.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import InvalidState
from app.core.principal import Principal
from app.enterprise import service as enterprise_service
from app.label import repository, service
from app.label.exceptions import PrintSizeRefused
from app.label.models import BatchStatus, Label, LabelBatch, LabelStatus
from app.label.printing.sheet import (
    LabelText,
    PrintCheckError,
    SheetLayout,
    SheetPdf,
    render_sheets,
)
from app.label.printing.summary import PrintSummary
from app.label.urls import verification_url
from app.licence import service as licence_service
from app.licence.models import LicenceStatus
from app.registry import service as registry_service
from app.registry.models import GIProduct, QrForm
from app.tradeitem import service as item_service

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
    await require_printable_batch(session, actor, batch)
    product = await registry_service.get_product(session, batch.product_id)
    artwork = await registry_service.get_artwork(session, product.id)
    legal = registry_service.legal_line(product)
    return PrintJob(
        batch_id=batch.id,
        quantity=batch.quantity,
        lot_number=batch.lot_number,
        base_url=base_url,
        gtin=await qr_gtin(session, product, batch),
        text=await _label_text(session, actor, batch, product.name_zh, legal),
        artwork_png=artwork[0] if artwork and artwork[1] == "image/png" else None,
    )


async def qr_gtin(session: AsyncSession, product: GIProduct, batch: LabelBatch) -> str | None:
    """The GTIN the batch's QR codes carry in a GS1 Digital Link: the batch's item's, where
    the product chose Digital Links; ``None`` (the short URL) otherwise or without one."""
    if product.qr_form is not QrForm.DIGITAL_LINK:
        return None
    return await item_service.gtin_of(session, batch.item_id)


async def label_url(session: AsyncSession, actor: Principal, label: Label, base_url: str) -> str:
    """What one label's QR encodes, as its batch's print files do."""
    batch = await service.get_readable(session, actor, label.batch_id)
    product = await registry_service.get_product(session, batch.product_id)
    gtin = await qr_gtin(session, product, batch)
    return verification_url(base_url, label.code, gtin, batch.lot_number)


async def _label_text(
    session: AsyncSession, actor: Principal, batch: LabelBatch, name: str, legal: str
) -> LabelText:
    enterprise = await enterprise_service.get_readable(session, actor, batch.enterprise_id)
    return LabelText(uscc=enterprise.uscc, legal_line=legal, gi_name=name, lot=batch.lot_number)


async def require_printable_batch(
    session: AsyncSession, actor: Principal, batch: LabelBatch
) -> None:
    """409 unless the batch is issued and in good standing under a licence that may use the
    mark: a suspended, recalled or revoked batch prints nothing."""
    if batch.status is not BatchStatus.ISSUED:
        raise InvalidState(
            f"batch {batch.id} is {batch.status.value}; only issued batches in good standing "
            "are printed",
            current_state=batch.status,
        )
    licence = await licence_service.get_readable(session, actor, batch.licence_id)
    state = licence.effective_status()
    # Labels already on packages stay lawful (DESIGN §3); new prints are new use.
    if state in LicenceStatus.forbidding_use():
        raise InvalidState(
            f"licence {licence.id} is {state.value}; its labels are not printed",
            current_state=state,
        )


async def printable_label(session: AsyncSession, actor: Principal, code: str) -> Label:
    """One label to print on its own (its QR image): live, in a batch that prints."""
    label = await service.get_label(session, actor, code)
    if label.status in LabelStatus.taken_out():
        raise InvalidState(
            f"label {label.code} is {label.status.value}; void and revoked labels are not printed",
            current_state=label.status,
        )
    batch = await service.get_readable(session, actor, label.batch_id)
    await require_printable_batch(session, actor, batch)
    return label


async def summary(session: AsyncSession, job: PrintJob, first: int, last: int) -> PrintSummary:
    """How many labels serials first..last print, and how many are left out, by status."""
    query = repository.status_counts(job.batch_id, first, last)
    counts = {status: count for status, count in await session.execute(query)}
    left_out = {status.value: counts.pop(status, 0) for status in LabelStatus.taken_out()}
    return PrintSummary(job.batch_id, job.lot_number, first, last, sum(counts.values()), left_out)


async def codes(
    session: AsyncSession, batch_id: int, first: int, last: int
) -> AsyncIterator[list[tuple[int, str]]]:
    """(serial, code) of the labels to print, in serial order, fetched in pages by key so
    memory stays flat; void and revoked labels are skipped."""
    after = first - 1
    while after < last:
        rows = await next_codes(session, batch_id, after, last)
        if not rows:
            return
        yield rows
        after = rows[-1][0]


async def next_codes(
    session: AsyncSession, batch_id: int, after: int, last: int
) -> list[tuple[int, str]]:
    """One page of :func:`codes`: the live labels' (serial, code) in serials (after, last]."""
    result = await session.execute(repository.printable_codes(batch_id, after, last, FETCH))
    return [(serial, code) for serial, code in result]


def render_pdf(
    out: BinaryIO,
    job: PrintJob,
    labels: list[tuple[str, str]],
    layout: SheetLayout,
    notice: str | None = None,
) -> int:
    """Blocking (CPU-bound): run it in a worker thread."""
    try:
        return render_sheets(out, labels, job.text, layout, job.artwork_png, notice)
    except PrintCheckError as exc:
        raise PrintSizeRefused(str(exc)) from exc


def pdf_chunks(
    job: PrintJob, codes: Iterable[str], layout: SheetLayout, notice: str | None
) -> Iterator[bytes]:
    """The PDF in pieces, page by page. Blocking (CPU-bound): every ``next`` belongs in a
    worker thread. The print check runs before the first piece, so a refusal (422) comes
    before any byte of the file."""
    try:  # the layout is checked as the sheets are set up, and again per label text
        sheets = SheetPdf(job.text, layout, job.artwork_png, notice)
        yield from sheets.chunks((code, job.url(code)) for code in codes)
    except PrintCheckError as exc:
        raise PrintSizeRefused(str(exc)) from exc
