"""Label batches from request to issue, and what a licensee may do with issued labels.

Every state change goes through ``app.audit.transition``: issuing and (un)voiding move the
trust epoch, since a public check of those codes answers differently from the commit on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import snapshot
from app.audit.transition import audited, record_transition
from app.core.config import Settings
from app.core.errors import NotFound, Unprocessable, require_state
from app.core.jobs import queue
from app.core.jobs.models import Job
from app.core.pagination import CursorParams, KeysetSlice, keyset_paginate
from app.core.principal import Principal
from app.core.time import utcnow
from app.credit import service as credit_service
from app.label import issuance, licence_use, repository
from app.label.code import LabelCodec, normalise
from app.label.exceptions import LabelsNotVoidable, LotTaken, QuotaExceeded, UndoNotAllowed
from app.label.models import BatchStatus, Label, LabelBatch, LabelStatus
from app.label.schemas import BatchApprove, BatchDecision, BatchRequest, Reconciliation
from app.licence import service as licence_service
from app.origin import service as origin_service
from app.registry import service as registry_service
from app.tradeitem import service as item_service

AUDITED = ("status", "lot_number", "quantity", "licence_id", "season", "item_id")
UNDO_WINDOW = timedelta(days=10)


def codec_from(settings: Settings) -> LabelCodec:
    return LabelCodec(settings.label_key_bytes(), settings.label_current_key_id)


async def get_readable(
    session: AsyncSession, principal: Principal, batch_id: int, *, for_update: bool = False
) -> LabelBatch:
    batch = await session.scalar(
        repository.readable_batch(principal, batch_id, for_update=for_update)
    )
    if batch is None:
        raise NotFound(f"label batch {batch_id} not found")
    return batch


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    page: CursorParams,
    status: BatchStatus | None = None,
    licence_id: int | None = None,
    q: str | None = None,
    sort: str = "-id",
) -> KeysetSlice[LabelBatch]:
    """A page of the batches the caller may see; ``sort`` is a key of
    ``repository.BATCH_ORDERS`` (indexed orders only)."""
    query = repository.batches_listed(principal, status, licence_id, q)
    return await keyset_paginate(session, query, repository.BATCH_ORDERS[sort], page)


async def request_batch(
    session: AsyncSession,
    actor: Principal,
    data: BatchRequest,
    settings: Settings,
    *,
    origin_of: LabelBatch | None = None,
) -> LabelBatch:
    """A licensee's request for a lot's labels, within the season's quota and, where the lot
    names its sources (or its product requires them), within what they supplied (mass
    balance, ``app.origin``). ``origin_of``: a replacement batch takes the original's origin;
    its labels replace voided ones the original's sources already covered."""
    if data.quantity > settings.max_batch_quantity:
        cap = settings.max_batch_quantity
        raise Unprocessable(f"at most {cap} labels per batch on this server", field="quantity")
    # The licence row stays locked until commit: requests against one licence take turns, so
    # each sees every earlier request in the quota sum (see licence_service.lock_active).
    licence = await licence_service.lock_active(session, actor, data.licence_id)
    await credit_service.refuse_if_listed(session, licence.enterprise_id, "a batch request")
    season = data.production_date.year
    quota = await licence_use.season_quota(session, licence, season)
    if data.quantity > quota.remaining:
        raise QuotaExceeded(
            f"{data.quantity} labels requested but only {quota.remaining} remain of this season's "
            f"quota ({quota.total} = {quota.production_area_mu} {quota.quota_unit} × "
            f"{quota.standard_yield_kg_per_mu} kg/{quota.quota_unit} ÷ {quota.pack_size_kg} kg, "
            f"{quota.used} used)",
            quota=quota.total,
            used=quota.used,
            requested=data.quantity,
            remaining=quota.remaining,
            quota_unit=quota.quota_unit.value,
        )
    await _refuse_duplicate_lot(session, licence.id, data.lot_number)
    if data.item_id is not None:
        await item_service.item_for_batch(
            session, actor, data.item_id, licence.enterprise_id, licence.product_id
        )
    product = await registry_service.get_product(session, licence.product_id)
    plan = None
    if origin_of is None:
        plan = await origin_service.plan_lot(
            session, product, licence.enterprise_id, data.quantity, data.sources
        )
        origin_public = plan.public if plan is not None else None
    else:
        origin_public = origin_of.origin_public
    batch = LabelBatch(
        **data.model_dump(exclude={"sources"}),
        origin_public=origin_public,
        enterprise_id=licence.enterprise_id,
        product_id=licence.product_id,
        season=season,
        status=BatchStatus.REQUESTED,
        requested_by_id=actor.id if actor.kind == "user" else None,
    )
    session.add(batch)
    await session.flush()
    after = snapshot(batch, *AUDITED)
    if plan is not None:
        await origin_service.record_draws(session, batch.id, plan)
        after["sources"] = plan.to_audit()
    await record_transition(session, actor, "batch.request", "label_batch", batch.id, after=after)
    if product.auto_approve_batches:  # the GI product trusts requests within quota
        await _approve(session, actor, batch, "auto-approved within quota", settings, issue=True)
    return batch


async def _refuse_duplicate_lot(session: AsyncSession, licence_id: int, lot: str) -> None:
    if await session.scalar(repository.lot_taken(licence_id, lot)) is not None:
        raise LotTaken(f"lot {lot!r} already has a batch under this licence")


def _require(batch: LabelBatch, *allowed: BatchStatus) -> None:
    require_state(f"batch {batch.id}", batch.status, *allowed)


async def _approve(
    session: AsyncSession,
    actor: Principal,
    batch: LabelBatch,
    reason: str | None,
    settings: Settings,
    issue: bool,
    large_in_job: bool = False,
) -> LabelBatch:
    _require(batch, BatchStatus.REQUESTED)
    async with audited(session, actor, "batch.approve", batch, *AUDITED, reason=reason):
        batch.status, batch.decided_at = BatchStatus.APPROVED, utcnow()
        batch.decision_reason = reason
    if issue and large_in_job and batch.quantity >= settings.issue_in_job_from:
        await _issue_in_job(session, actor, batch)
    elif issue:
        await issue_batch(session, actor, batch.id, settings)
    return batch


async def approve(
    session: AsyncSession,
    actor: Principal,
    batch_id: int,
    data: BatchApprove,
    settings: Settings,
    *,
    reason: str | None = None,
    large_in_job: bool = False,
) -> LabelBatch:
    """Decisions lock the batch row: a concurrent decider waits, then reads the state this one
    committed and gets 409 naming it, so a batch is never decided twice or half-decided.
    ``large_in_job`` (the HTTP callers): a batch of ``issue_in_job_from`` labels or more is
    approved here and issued by a job (:func:`request_issue`), so the batch reads approved."""
    batch = await get_readable(session, actor, batch_id, for_update=True)
    reason = reason if reason is not None else data.reason
    await _approve(session, actor, batch, reason, settings, data.issue, large_in_job)
    await session.refresh(batch)
    return batch


async def reject(
    session: AsyncSession,
    actor: Principal,
    batch_id: int,
    data: BatchDecision,
    *,
    reason: str | None = None,
) -> LabelBatch:
    batch = await get_readable(session, actor, batch_id, for_update=True)
    _require(batch, BatchStatus.REQUESTED)
    reason = reason if reason is not None else data.reason
    async with audited(session, actor, "batch.reject", batch, *AUDITED, reason=reason) as change:
        batch.status, batch.decided_at = BatchStatus.REJECTED, utcnow()
        batch.decision_reason = reason
        # A refused replacement replaced nothing: its voided codes may be asked for again.
        released = await repository.release_replacements(session, batch.id)
        if released:
            change.extra["released_codes"] = released
        # Nor did it use the raw material its lot drew on: other lots may draw it.
        draws = await origin_service.release_draws(session, batch.id)
        if draws:
            change.extra["released_draws"] = draws
    return batch


async def issue_batch(
    session: AsyncSession,
    actor: Principal,
    batch_id: int,
    settings: Settings,
    progress: issuance.ProgressCallback | None = None,
) -> LabelBatch:
    """Create the batch's codes exactly once: the conditional UPDATE is the gate, so of two
    concurrent calls one issues and the other finds the batch issued (409)."""
    batch = await get_readable(session, actor, batch_id)
    codec = codec_from(settings)
    if not await repository.mark_issued(session, batch_id, codec.current_key_id):
        await session.refresh(batch)
        _require(batch, BatchStatus.APPROVED)
    await session.refresh(batch)
    batch.requires_activation = await _requires_activation(session, batch)
    status = LabelStatus.INACTIVE if batch.requires_activation else LabelStatus.ACTIVE
    written = await issuance.write_labels(
        session, codec, batch_id, batch.quantity, progress, status
    )
    await session.refresh(batch)
    after = {
        "count": written,
        "key_id": codec.current_key_id,
        "status": batch.status.value,
        "labels": status.value,
    }
    await record_transition(session, actor, "batch.issue", "label_batch", batch.id, after=after)
    return batch


async def _requires_activation(session: AsyncSession, batch: LabelBatch) -> bool:
    """Whether the batch's labels go out ``inactive``: its product or its licence says so."""
    product = await registry_service.get_product(session, batch.product_id)
    licence = await licence_service.get(session, batch.licence_id)
    return bool(product.requires_activation or licence.requires_activation)


ISSUE_JOB = "label.issue"  # handled by app.jobs.issue_jobs (the worker's side)


async def request_issue(
    session: AsyncSession, actor: Principal, batch_id: int, settings: Settings
) -> LabelBatch | Job:
    """``POST /batches/{id}/issue``: a batch under ``issue_in_job_from`` labels is issued now
    (the batch); a larger one by the job worker (the job, queued and audited now, or the one
    already asked for: asking twice queues one job). Either way the batch must be approved
    (409 otherwise), checked now so that a refusal is answered at once."""
    batch = await get_readable(session, actor, batch_id)
    if batch.quantity < settings.issue_in_job_from:
        return await issue_batch(session, actor, batch_id, settings)
    _require(batch, BatchStatus.APPROVED)
    return await _issue_in_job(session, actor, batch)


async def _issue_in_job(session: AsyncSession, actor: Principal, batch: LabelBatch) -> Job:
    existing = await queue.live_job(session, ISSUE_JOB, "batch_id", batch.id)
    if existing is not None:
        return existing
    args = {"batch_id": batch.id}
    creator = queue.Creator(actor.kind, actor.id, actor.audit_name)
    job = await queue.enqueue(session, ISSUE_JOB, args, utcnow(), creator=creator)
    after = {"kind": ISSUE_JOB, "args": args, "status": job.status}
    await record_transition(session, actor, "job.enqueued", "job", job.id, after=after)
    return job


async def reconcile(session: AsyncSession, actor: Principal, batch_id: int) -> Reconciliation:
    batch = await get_readable(session, actor, batch_id)
    by_status = await session.execute(repository.status_counts(batch.id))
    counts = {status: count for status, count in by_status}
    scanned = await session.scalar(repository.scanned_at_least_once(batch.id))
    replaced = await session.scalar(repository.replaced_count(batch.id))
    return Reconciliation(
        batch_id=batch.id,
        batch_status=batch.status,
        issued=sum(counts.values()),
        active=counts.get(LabelStatus.ACTIVE, 0),
        inactive=counts.get(LabelStatus.INACTIVE, 0),
        voided=counts.get(LabelStatus.VOID, 0),
        voided_replaced=int(replaced or 0),
        revoked=counts.get(LabelStatus.REVOKED, 0),
        scanned_at_least_once=int(scanned or 0),
    )


async def list_labels(
    session: AsyncSession,
    actor: Principal,
    batch_id: int,
    page: CursorParams,
    code: str | None = None,
    sort: str = "serial",
) -> KeysetSlice[Label]:
    """A page of a batch's labels (404 for a batch the caller may not read); ``code`` narrows
    to one whole code, as typed (grouped, lower case); ``sort`` is a key of
    ``repository.LABEL_ORDERS``."""
    batch = await get_readable(session, actor, batch_id)
    wanted = normalise(code) if code and code.strip() else None
    query = repository.labels_of_batch(batch.id, wanted)
    return await keyset_paginate(session, query, repository.LABEL_ORDERS[sort], page)


async def get_label(session: AsyncSession, principal: Principal, code: str) -> Label:
    label = await session.scalar(repository.readable_label(principal, normalise(code)))
    if label is None:
        raise NotFound("no such label among yours")
    return label


async def _own_labels(session: AsyncSession, actor: Principal, codes: list[str]) -> list[Label]:
    wanted = sorted({normalise(c) for c in codes})
    found = list(await session.scalars(repository.readable_labels_among(actor, wanted)))
    missing = sorted(set(wanted) - {label.code for label in found})
    if missing:
        raise NotFound(
            f"{len(missing)} of these codes are not among your labels", codes=missing[:50]
        )
    return found


async def void_labels(
    session: AsyncSession, actor: Principal, codes: list[str], reason: str
) -> list[str]:
    """Damaged or misprinted labels are taken out of use; the same actor may undo for 10 days."""
    labels = await _own_labels(session, actor, codes)
    _require_voidable(labels)
    now = utcnow()
    for label in labels:
        label.status, label.status_changed_at = LabelStatus.VOID, now
        label.status_changed_by_id, label.status_reason = actor.id, reason
    changed = [label.code for label in labels]
    await _record_per_batch(session, actor, "label.void", labels, reason)
    return changed


async def undo_void(session: AsyncSession, actor: Principal, codes: list[str]) -> list[str]:
    labels = await _own_labels(session, actor, codes)
    now = utcnow()
    _require_undoable(labels, actor, now)
    await _require_not_replaced(session, labels)
    awaiting = set(
        await session.scalars(
            repository.batches_requiring_activation({label.batch_id for label in labels})
        )
    )
    for label in labels:
        # Back to what it was: a label never activated on the packing line is inactive again.
        never_activated = label.batch_id in awaiting and label.activated_at is None
        label.status = LabelStatus.INACTIVE if never_activated else LabelStatus.ACTIVE
        label.status_changed_at, label.status_reason = now, None
    changed = [label.code for label in labels]
    # One event per status they came back in: it is the disposition of the act's EPCIS event,
    # and recorded now, for the labels' status may change again before the event is read.
    for status in (LabelStatus.ACTIVE, LabelStatus.INACTIVE):
        restored = [label for label in labels if label.status is status]
        if restored:
            after = {"status": status.value}
            await _record_per_batch(session, actor, "label.unvoid", restored, None, after)
    return changed


async def preview_void(
    session: AsyncSession, actor: Principal, codes: list[str], *, undo: bool = False
) -> list[Label]:
    """The labels ``void_labels`` (or, with ``undo``, ``undo_void``) would change, refused by
    the same checks, changing nothing: what a confirmation step shows before the act."""
    labels = await _own_labels(session, actor, codes)
    if undo:
        _require_undoable(labels, actor, utcnow())
        await _require_not_replaced(session, labels)
    else:
        _require_voidable(labels)
    return sorted(labels, key=lambda label: (label.batch_id, label.serial))


# Codes per IN list: well under the bind-parameter limits of SQLite and asyncpg.
IN_CHUNK = 1_000


async def scanned_by_batch(session: AsyncSession, labels: list[Label]) -> dict[int, int]:
    """How many of ``labels`` (read through the caller's scoping, e.g. by ``preview_void``)
    shoppers have already scanned, per batch: a void's confirmation says so."""
    counts: dict[int, int] = {}
    codes = [label.code for label in labels]
    for start in range(0, len(codes), IN_CHUNK):
        chunk = codes[start : start + IN_CHUNK]
        for batch_id, scanned in await session.execute(repository.scanned_by_batch(chunk)):
            counts[batch_id] = counts.get(batch_id, 0) + int(scanned)
    return counts


async def lots_by_id(
    session: AsyncSession, principal: Principal, batch_ids: Iterable[int]
) -> dict[int, str]:
    """Lot numbers for a list page's rows, of the batches ``principal`` may read, one query."""
    wanted = set(batch_ids)
    if not wanted:
        return {}
    rows = await session.execute(repository.readable_lots(principal, wanted))
    return {int(batch_id): str(lot) for batch_id, lot in rows}


def _require_voidable(labels: list[Label]) -> None:
    """Active labels, and inactive ones (printed, never activated: a misprint is found before
    the packing line as often as after)."""
    taken_out = [label.code for label in labels if label.status not in LabelStatus.live()]
    if taken_out:
        raise LabelsNotVoidable(
            "only active or inactive labels can be voided", codes=taken_out[:50]
        )


def _require_undoable(labels: list[Label], actor: Principal, now: datetime) -> None:
    """Only the voider, only within ``UNDO_WINDOW`` of the void."""
    for label in labels:
        if label.status is not LabelStatus.VOID or label.status_changed_by_id != actor.id:
            raise UndoNotAllowed(f"{label.code} was not voided by you", code_=label.code)
        if label.status_changed_at is None or now - label.status_changed_at > UNDO_WINDOW:
            raise UndoNotAllowed(f"{label.code} was voided more than 10 days ago", code_=label.code)


async def _require_not_replaced(session: AsyncSession, labels: list[Label]) -> None:
    """A replaced label stays void: its replacement is already counted and printed."""
    codes = [label.code for label in labels]
    link = await session.scalar(repository.replacements_among(codes).limit(1))
    if link is not None:
        raise UndoNotAllowed(
            f"{link.code} has been replaced by batch {link.replacement_batch_id}",
            code_=link.code,
        )


async def _record_per_batch(
    session: AsyncSession,
    actor: Principal,
    action: str,
    labels: list[Label],
    reason: str | None,
    context: dict[str, str] | None = None,
) -> None:
    """One event per batch touched, naming that batch's codes (``context`` added to each
    ``after``): the ledger is read per batch (a batch's history), so codes of several batches
    must not hide under the first one's."""
    by_batch: dict[int, list[str]] = {}
    for label in labels:
        by_batch.setdefault(label.batch_id, []).append(label.code)
    for batch_id, codes in sorted(by_batch.items()):
        after = {"codes": codes} | (context or {})
        await record_transition(
            session, actor, action, "label_batch", batch_id, after=after, reason=reason
        )
