"""Replacement labels for voided ones (issue 12): a licensee whose labels were damaged or
misprinted asks for as many new ones, as a new batch linked to the voided codes it replaces.

The new batch is an ordinary batch request (``service.request_batch``): the same licence, unit,
production date and origin as the original, the same season's quota, the same approval by the
regulator (or the product's auto-approval). Only voided labels of the caller's own issued
batch in good standing are replaced, each once: the code is the key of ``label_replacement``.
A retry after success is therefore a 409 naming the replacement, never a second batch, which is
why this request needs no ``Idempotency-Key``. A rejected replacement releases its codes
(``service.reject``), and a replaced label can no longer be un-voided (``service.undo_void``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core.config import Settings
from app.core.errors import NotFound, require_state
from app.core.principal import Principal
from app.label import repository, service
from app.label.code import normalise
from app.label.exceptions import AlreadyReplaced, LabelsNotReplaceable
from app.label.models import BatchStatus, LabelBatch, LabelReplacement, LabelStatus
from app.label.schemas import (
    BatchRequest,
    ReplacementBatch,
    ReplacementRequest,
    Replacements,
)

MAX_CODES = 10_000  # as many as one void request names
LOT_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Plan:
    """What a replacement request would do: checked, nothing changed (the console's
    confirmation page shows it)."""

    original: LabelBatch
    codes: list[str]
    lot_number: str


async def plan(
    session: AsyncSession, actor: Principal, batch_id: int, data: ReplacementRequest
) -> Plan:
    """Check the request by every rule the act applies (except the quota, which the batch
    request checks) and say which codes and which lot it would use."""
    original = await service.get_readable(session, actor, batch_id, for_update=True)
    require_state(f"batch {original.id}", original.status, BatchStatus.ISSUED)
    if data.all_voided:
        codes = list(await session.scalars(repository.voided_not_replaced(original.id, MAX_CODES)))
        if not codes:
            raise LabelsNotReplaceable(f"batch {original.id} has no voided label left to replace")
    else:
        codes = await _named_codes(session, original, data.codes or [])
    lot = data.lot_number or await _next_lot(session, original)
    return Plan(original, codes, lot)


async def _named_codes(session: AsyncSession, original: LabelBatch, typed: list[str]) -> list[str]:
    wanted = sorted({normalise(code) for code in typed})
    labels = list(await session.scalars(repository.labels_of_batch_among(original.id, wanted)))
    missing = sorted(set(wanted) - {label.code for label in labels})
    if missing:
        raise NotFound(
            f"{len(missing)} of these codes are not labels of batch {original.id}",
            codes=missing[:50],
        )
    not_void = [label.code for label in labels if label.status is not LabelStatus.VOID]
    if not_void:
        raise LabelsNotReplaceable("only voided labels can be replaced", codes=not_void[:50])
    taken = list(await session.scalars(repository.replacements_among(wanted)))
    if taken:
        raise AlreadyReplaced(
            f"{len(taken)} of these labels have been replaced already",
            codes=[link.code for link in taken][:50],
            replacement_batch_ids=sorted({link.replacement_batch_id for link in taken}),
        )
    return [label.code for label in sorted(labels, key=lambda label: label.serial)]


async def _next_lot(session: AsyncSession, original: LabelBatch) -> str:
    """The original's lot with ``-R1``, ``-R2`` … : the first one not taken under the licence."""
    number = 1
    while True:
        suffix = f"-R{number}"
        lot = original.lot_number[: LOT_LENGTH - len(suffix)] + suffix
        if await session.scalar(repository.lot_taken(original.licence_id, lot)) is None:
            return lot
        number += 1


async def request_replacements(
    session: AsyncSession,
    actor: Principal,
    batch_id: int,
    data: ReplacementRequest,
    settings: Settings,
) -> LabelBatch:
    """Request a new batch replacing the named voided labels; the links and the audit event
    (``batch.replace`` on the original, naming the codes) are in the same transaction."""
    checked = await plan(session, actor, batch_id, data)
    original = checked.original
    request = BatchRequest(
        licence_id=original.licence_id,
        lot_number=checked.lot_number,
        quantity=len(checked.codes),
        unit=original.unit,
        production_date=original.production_date,
        origin=original.origin,
    )
    batch = await service.request_batch(session, actor, request, settings, origin_of=original)
    session.add_all(
        LabelReplacement(code=code, original_batch_id=original.id, replacement_batch_id=batch.id)
        for code in checked.codes
    )
    after = {"replacement_batch_id": batch.id, "lot_number": batch.lot_number}
    await record_transition(
        session,
        actor,
        "batch.replace",
        "label_batch",
        original.id,
        after=after | {"codes": checked.codes},
    )
    return batch


async def replacements(session: AsyncSession, principal: Principal, batch_id: int) -> Replacements:
    """Both sides of a batch's replacements (404 for a batch the caller may not read; the
    batches linked to it are of the same licence, hence the same enterprise)."""
    batch = await service.get_readable(session, principal, batch_id)
    replaced_by = [
        _side(linked, int(count))
        for linked, count in await session.execute(repository.replacement_batches(batch.id))
    ]
    links = list(await session.execute(repository.codes_replaced_by(batch.id)))
    replaces = None
    if links:
        original = await service.get_readable(session, principal, int(links[0][0]))
        replaces = _side(original, len(links))
    left = await session.scalar(repository.voided_not_replaced_count(batch.id))
    return Replacements(
        batch_id=batch.id,
        replaces=replaces,
        replaced_codes=[code for _, code in links],
        replaced_by=replaced_by,
        voided_not_replaced=int(left or 0),
    )


def _side(batch: LabelBatch, count: int) -> ReplacementBatch:
    return ReplacementBatch(
        batch_id=batch.id, lot_number=batch.lot_number, status=batch.status, count=count
    )
