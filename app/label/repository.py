"""The label domain's queries: batches, labels, the standing measures, the writing of a batch's
codes, what the licence rules count from them (quota use, non-use), and the set-based
revocation and restoration of labels.

``readable_batches`` and ``readable_labels`` are the one place that scopes to the caller; a
query without a principal (``batch_for_update``, the counts) serves a caller that has already
read the batch through them, or the system itself.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    Subquery,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Keyset
from app.core.principal import Principal
from app.core.search import contains_text
from app.core.time import utcnow
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.label.code import normalise
from app.label.models import (
    BatchMeasure,
    BatchStatus,
    Label,
    LabelBatch,
    LabelReplacement,
    LabelScanStat,
    LabelStatus,
)
from app.licence.models import Licence
from app.registry.models import GIProduct

# --- batches ---------------------------------------------------------------------------------


def readable_batches(principal: Principal) -> Select[LabelBatch]:
    """The one place that scopes batches (and through them labels) to the caller."""
    query = select(LabelBatch)
    if principal.is_licensee:
        query = query.where(LabelBatch.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(LabelBatch.enterprise_id.in_(reach))
    return query


def readable_lots(principal: Principal, batch_ids: set[int]) -> Select[int, str]:
    """(batch id, lot number) of the batches among ``batch_ids`` the caller may read."""
    scoped = readable_batches(principal).where(LabelBatch.id.in_(batch_ids))
    return scoped.with_only_columns(LabelBatch.id, LabelBatch.lot_number)


def readable_batch(principal: Principal, batch_id: int, *, for_update: bool) -> Select[LabelBatch]:
    """One batch; ``for_update`` row-locks it (PostgreSQL) and re-reads it even if the session
    already holds it, so a decision is taken on the state as committed by the last decider."""
    query = readable_batches(principal).where(LabelBatch.id == batch_id)
    return _locked(query) if for_update else query


def _locked(query: Select[LabelBatch]) -> Select[LabelBatch]:
    return query.with_for_update().execution_options(populate_existing=True)


# The orders a batch list may be read in: by id (the primary key's index), newest first by
# default. Ids are handed out in request order, so this is also "by date requested".
BATCH_ORDERS = {
    "-id": Keyset("batches:-id", (LabelBatch.id,), descending=True),
    "id": Keyset("batches:id", (LabelBatch.id,), descending=False),
}


def batches_listed(
    principal: Principal,
    status: BatchStatus | None,
    licence_id: int | None,
    q: str | None = None,
) -> Select[LabelBatch]:
    """The caller's batches, optionally of one status or licence, or matching ``q``; the
    keyset paginator orders them."""
    query = readable_batches(principal)
    if status is not None:
        query = query.where(LabelBatch.status == status)
    if licence_id is not None:
        query = query.where(LabelBatch.licence_id == licence_id)
    if q and q.strip():
        query = query.where(batch_matches(q.strip()))
    return query


def batch_matches(text: str) -> ColumnElement[bool]:
    """A substring of the lot number, the enterprise's name or USCC, or the product's name
    (Chinese or English); or a whole label code of the batch. Names are matched through id
    subqueries: the enterprise and product tables are small, the batch table is not."""
    enterprises = select(Enterprise.id).where(
        or_(contains_text(Enterprise.name, text), contains_text(Enterprise.uscc, text))
    )
    products = select(GIProduct.id).where(
        or_(contains_text(GIProduct.name_zh, text), contains_text(GIProduct.name_en, text))
    )
    return or_(
        contains_text(LabelBatch.lot_number, text),
        LabelBatch.enterprise_id.in_(enterprises),
        LabelBatch.product_id.in_(products),
        LabelBatch.id.in_(select(Label.batch_id).where(Label.code == normalise(text))),
    )


def lot_taken(licence_id: int, lot_number: str) -> Select[int]:
    return select(LabelBatch.id).where(
        LabelBatch.licence_id == licence_id, LabelBatch.lot_number == lot_number
    )


async def mark_issued(session: AsyncSession, batch_id: int, key_id: str) -> bool:
    """Approved → issued, conditionally: True for the one caller whose UPDATE found the batch
    approved; a concurrent second finds it issued already and gets False."""
    gate = await session.execute(
        update(LabelBatch)
        .where(LabelBatch.id == batch_id, LabelBatch.status == BatchStatus.APPROVED)
        .values(status=BatchStatus.ISSUED, issued_at=utcnow(), key_id=key_id)
        .execution_options(synchronize_session=False)
    )
    return int(gate.rowcount) == 1  # type: ignore[attr-defined]


def labels_requested(licence_id: int, season: int) -> Select[int]:
    """Labels counted against a licence's quota for a season: every batch not rejected."""
    return select(func.coalesce(func.sum(LabelBatch.quantity), 0)).where(
        LabelBatch.licence_id == licence_id,
        LabelBatch.season == season,
        LabelBatch.status != BatchStatus.REJECTED,
    )


def labels_requested_by_licence(licence_ids: Collection[int], season: int) -> Select[int, int]:
    """:func:`labels_requested` for many licences at once (a list page's quotas)."""
    return (
        select(LabelBatch.licence_id, func.sum(LabelBatch.quantity))
        .where(
            LabelBatch.licence_id.in_(licence_ids),
            LabelBatch.season == season,
            LabelBatch.status != BatchStatus.REJECTED,
        )
        .group_by(LabelBatch.licence_id)
    )


def measures_of(batch_id: int) -> Select[BatchMeasure]:
    return select(BatchMeasure).where(BatchMeasure.batch_id == batch_id).order_by(BatchMeasure.id)


# --- labels ----------------------------------------------------------------------------------


def readable_labels(principal: Principal) -> Select[Label]:
    query = select(Label)
    if principal.is_licensee:
        query = query.join(LabelBatch, LabelBatch.id == Label.batch_id).where(
            LabelBatch.enterprise_id == principal.enterprise_id
        )
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.join(LabelBatch, LabelBatch.id == Label.batch_id).where(
            LabelBatch.enterprise_id.in_(reach)
        )
    return query


def readable_label(principal: Principal, code: str) -> Select[Label]:
    return readable_labels(principal).where(Label.code == code)


def readable_labels_among(principal: Principal, codes: list[str]) -> Select[Label]:
    return readable_labels(principal).where(Label.code.in_(codes))


# The orders a batch's labels may be listed in: by serial, which the unique (batch_id, serial)
# index serves; a batch's labels share the batch id, so the serial alone is the keyset.
LABEL_ORDERS = {
    "serial": Keyset("labels:serial", (Label.serial,), descending=False),
    "-serial": Keyset("labels:-serial", (Label.serial,), descending=True),
}


def labels_of_batch(batch_id: int, code: str | None = None) -> Select[Label]:
    """A batch's labels (the caller has read the batch through ``readable_batch``), or the one
    with ``code`` (a whole code, normalised: a primary-key lookup)."""
    query = select(Label).where(Label.batch_id == batch_id)
    if code:
        query = query.where(Label.code == code)
    return query


def printable_codes(batch_id: int, after: int, last: int, limit: int) -> Select[int, str]:
    """(serial, code) of the labels to print in serials (after, last], in serial order."""
    return (
        select(Label.serial, Label.code)
        .where(Label.batch_id == batch_id, Label.serial > after, Label.serial <= last)
        .where(Label.status.not_in(LabelStatus.taken_out()))
        .order_by(Label.serial)
        .limit(limit)
    )


def status_counts(
    batch_id: int, first: int | None = None, last: int | None = None
) -> Select[LabelStatus, int]:
    """How many labels of each status the batch holds (in serials first..last, if given)."""
    query = select(Label.status, func.count()).where(Label.batch_id == batch_id)
    if first is not None:
        query = query.where(Label.serial >= first)
    if last is not None:
        query = query.where(Label.serial <= last)
    return query.group_by(Label.status)


def scanned_at_least_once(batch_id: int) -> Select[int]:
    return (
        select(func.count())
        .select_from(Label)
        .join(LabelScanStat, LabelScanStat.code == Label.code)
        .where(Label.batch_id == batch_id)
    )


LabelRows = list[tuple[str, int, int, str]]  # (code, batch_id, serial, status)
LABEL_COLUMNS = ["code", "batch_id", "serial", "status"]


async def insert_labels(session: AsyncSession, rows: LabelRows) -> None:
    """Write a chunk of new labels the fastest way the database offers: PostgreSQL's COPY
    (asyncpg ``copy_records_to_table``), else one multi-row INSERT."""
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            "label", records=rows, columns=LABEL_COLUMNS
        )
    else:
        params = [dict(zip(LABEL_COLUMNS, row, strict=True)) for row in rows]
        await session.execute(insert(Label), params)


# --- replacements of voided labels (app.label.replacement) ----------------------------------


def labels_of_batch_among(batch_id: int, codes: Collection[str]) -> Select[Label]:
    return select(Label).where(Label.batch_id == batch_id, Label.code.in_(codes))


def replacements_among(codes: Collection[str]) -> Select[LabelReplacement]:
    return select(LabelReplacement).where(LabelReplacement.code.in_(codes))


def _not_replaced() -> ColumnElement[bool]:
    replaced = select(LabelReplacement.code).where(LabelReplacement.code == Label.code)
    return ~replaced.exists()


def voided_not_replaced(batch_id: int, limit: int) -> Select[str]:
    """The batch's voided codes no replacement covers yet, in serial order."""
    return (
        select(Label.code)
        .where(Label.batch_id == batch_id, Label.status == LabelStatus.VOID, _not_replaced())
        .order_by(Label.serial)
        .limit(limit)
    )


def voided_not_replaced_count(batch_id: int) -> Select[int]:
    return (
        select(func.count())
        .select_from(Label)
        .where(Label.batch_id == batch_id, Label.status == LabelStatus.VOID, _not_replaced())
    )


def replaced_count(batch_id: int) -> Select[int]:
    """How many of the batch's (voided) labels a replacement batch covers."""
    return select(func.count()).where(LabelReplacement.original_batch_id == batch_id)


def replacement_batches(batch_id: int) -> Select[LabelBatch, int]:
    """(replacement batch, codes it replaces) for each batch requested to replace labels of
    ``batch_id``, oldest first."""
    counts = (
        select(LabelReplacement.replacement_batch_id.label("batch_id"), func.count().label("n"))
        .where(LabelReplacement.original_batch_id == batch_id)
        .group_by(LabelReplacement.replacement_batch_id)
        .subquery()
    )
    return (
        select(LabelBatch, counts.c.n)
        .join(counts, counts.c.batch_id == LabelBatch.id)
        .order_by(LabelBatch.id)
    )


def codes_replaced_by(batch_id: int) -> Select[int, str]:
    """(original batch id, code) of the voided labels ``batch_id`` was requested to replace."""
    return (
        select(LabelReplacement.original_batch_id, LabelReplacement.code)
        .join(Label, Label.code == LabelReplacement.code)
        .where(LabelReplacement.replacement_batch_id == batch_id)
        .order_by(Label.serial)
    )


async def release_replacements(session: AsyncSession, replacement_batch_id: int) -> int:
    """Forget which codes a (rejected) replacement batch was to replace; how many."""
    result = await session.execute(
        delete(LabelReplacement)
        .where(LabelReplacement.replacement_batch_id == replacement_batch_id)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- non-use (what the licence rule counts) --------------------------------------------------


def _last_issued() -> Subquery:
    return (
        select(LabelBatch.licence_id, func.max(LabelBatch.issued_at).label("last_issued_at"))
        .group_by(LabelBatch.licence_id)
        .subquery()
    )


def _last_scanned() -> Subquery:
    return (
        select(
            LabelBatch.licence_id, func.max(LabelScanStat.last_scanned_at).label("last_scanned_at")
        )
        .join(Label, Label.batch_id == LabelBatch.id)
        .join(LabelScanStat, LabelScanStat.code == Label.code)
        .group_by(LabelBatch.licence_id)
        .subquery()
    )


def idle_licences(
    cutoff: datetime,
) -> Select[Licence, str, str, datetime | None, datetime | None]:
    """Licences in force, approved before ``cutoff``, with no label issued and none scanned
    since: (licence, enterprise name, product code, last issued, last scanned)."""
    issued, scanned = _last_issued(), _last_scanned()
    return (
        select(
            Licence,
            Enterprise.name,
            GIProduct.code,
            issued.c.last_issued_at,
            scanned.c.last_scanned_at,
        )
        .join(Enterprise, Enterprise.id == Licence.enterprise_id)
        .join(GIProduct, GIProduct.id == Licence.product_id)
        .outerjoin(issued, issued.c.licence_id == Licence.id)
        .outerjoin(scanned, scanned.c.licence_id == Licence.id)
        .where(
            Licence.in_force_sql(),
            Licence.decided_at <= cutoff,
            or_(issued.c.last_issued_at.is_(None), issued.c.last_issued_at < cutoff),
            or_(scanned.c.last_scanned_at.is_(None), scanned.c.last_scanned_at < cutoff),
        )
        .order_by(Licence.id)
    )


# Revocations: set-based, since one revocation may cover a million labels.


def labels_of_licence(licence_id: int) -> ColumnElement[bool]:
    """Labels of every batch issued under the licence."""
    batch_ids = select(LabelBatch.id).where(LabelBatch.licence_id == licence_id)
    return Label.batch_id.in_(batch_ids)


def labels_with_codes(codes: Sequence[str]) -> ColumnElement[bool]:
    return Label.code.in_(codes)


def labels_in_batch(batch_id: int) -> ColumnElement[bool]:
    return Label.batch_id == batch_id


def live_reach(which: ColumnElement[bool]) -> Select[int, int]:
    """(live labels among ``which``, how many of them were scanned at least once): what a
    revocation or a batch measure would change, counted, not loaded (a batch may hold a
    million labels)."""
    return (
        select(func.count(), func.count(LabelScanStat.code))
        .select_from(Label)
        .outerjoin(LabelScanStat, LabelScanStat.code == Label.code)
        .where(Label.status.in_(LabelStatus.live()), which)
    )


def scanned_by_batch(codes: list[str]) -> Select[int, int]:
    """(batch id, how many of ``codes`` in it were scanned at least once): what a void's
    confirmation says next to what it voids, counted like :func:`live_reach`."""
    return (
        select(Label.batch_id, func.count())
        .select_from(Label)
        .join(LabelScanStat, LabelScanStat.code == Label.code)
        .where(Label.code.in_(codes))
        .group_by(Label.batch_id)
    )


async def _update_labels(
    session: AsyncSession, returned: Sequence[str], /, *where: ColumnElement[bool], **values: Any
) -> Sequence[Any]:
    """The ``returned`` columns of each label the UPDATE changed. On the table, as
    :func:`switch_activation`: the ORM would build a result object per returned row, and a
    licence's revocation returns a million."""
    await session.flush()  # as the ORM statement did (autoflush), before the table's UPDATE
    table = cast(Table, Label.__table__)
    query = update(table).where(*where).values(**values)
    returning = query.returning(*(table.c[name] for name in returned))
    connection = await session.connection()
    return (await connection.execute(returning)).all()


async def revoke_active_labels(
    session: AsyncSession, which: ColumnElement[bool], /, **values: Any
) -> Sequence[Row[int, int]]:
    """Set ``values`` on the still-live (active or inactive) labels among ``which``; (batch id,
    serial) of each. An inactive label revoked stays off the market even if a line activates
    it."""
    live = Label.status.in_(LabelStatus.live())
    return await _update_labels(session, ("batch_id", "serial"), live, which, **values)


def restored_status() -> Any:
    """What a label revoked (or voided) comes back as: ``inactive`` if its batch awaits
    activation and the packing line never activated it, else ``active``."""
    awaiting = select(LabelBatch.id).where(LabelBatch.requires_activation.is_(True))
    never_activated = and_(Label.activated_at.is_(None), Label.batch_id.in_(awaiting))
    return case((never_activated, LabelStatus.INACTIVE.value), else_=LabelStatus.ACTIVE.value)


async def restore_revoked_labels(
    session: AsyncSession, revocation_id: int, /, **values: Any
) -> Sequence[Row[int, int, LabelStatus]]:
    """Set ``values`` on the labels the revocation revoked that are revoked still; (batch id,
    serial, the status it came back as) of each."""
    revoked = (Label.revocation_id == revocation_id, Label.status == LabelStatus.REVOKED)
    return await _update_labels(session, ("batch_id", "serial", "status"), *revoked, **values)


def batches_requiring_activation(batch_ids: Collection[int]) -> Select[int]:
    return select(LabelBatch.id).where(
        LabelBatch.id.in_(batch_ids), LabelBatch.requires_activation.is_(True)
    )


# --- activation on the packing line (issue 15): set-based, one UPDATE per call -------------


def labels_coded(session: AsyncSession, codes: Sequence[str]) -> ColumnElement[bool]:
    """``label.code`` among ``codes`` (normalised): on PostgreSQL one array parameter
    (``= ANY($1)``: one prepared statement for any number of codes), else an IN list."""
    if session.get_bind().dialect.name == "postgresql":
        return Label.code == any_(bindparam("codes", list(codes), type_=ARRAY(String)))
    return Label.code.in_(list(codes))


def labels_in_serials(batch_id: int, first: int, last: int) -> ColumnElement[bool]:
    return and_(Label.batch_id == batch_id, Label.serial.between(first, last))


def activation_tally(
    which: ColumnElement[bool], enterprise_id: int
) -> Select[int, LabelStatus, BatchStatus, bool, int, int, int]:
    """Per batch and status of the enterprise's labels among ``which``: (batch id, label
    status, batch status, batch requires activation, count, lowest serial, highest serial)."""
    return (
        select(
            Label.batch_id,
            Label.status,
            LabelBatch.status,
            LabelBatch.requires_activation,
            func.count(),
            func.min(Label.serial),
            func.max(Label.serial),
        )
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(which, LabelBatch.enterprise_id == enterprise_id)
        .group_by(Label.batch_id, Label.status, LabelBatch.status, LabelBatch.requires_activation)
    )


def _switchable_batches(enterprise_id: int, deactivating: bool) -> Select[int]:
    live = (LabelBatch.enterprise_id == enterprise_id, LabelBatch.status.in_(BatchStatus.live()))
    query = select(LabelBatch.id).where(*live)
    if deactivating:  # a product that needs no activation has no inactive state to go back to
        query = query.where(LabelBatch.requires_activation.is_(True))
    return query


def activation_refusals(
    which: ColumnElement[bool], enterprise_id: int, deactivating: bool, limit: int
) -> Select[str, LabelStatus, BatchStatus, bool]:
    """The first ``limit`` of the enterprise's labels among ``which`` that the switch
    refuses (taken out, or in a batch it may not touch), with what decides the reason."""
    switchable = Label.batch_id.in_(_switchable_batches(enterprise_id, deactivating))
    return (
        select(Label.code, Label.status, LabelBatch.status, LabelBatch.requires_activation)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(which, LabelBatch.enterprise_id == enterprise_id)
        .where(or_(Label.status.not_in(LabelStatus.live()), not_(switchable)))
        .order_by(Label.code)
        .limit(limit)
    )


def codes_found(which: ColumnElement[bool], enterprise_id: int) -> Select[str]:
    return (
        select(Label.code)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(which, LabelBatch.enterprise_id == enterprise_id)
    )


async def switch_activation(
    session: AsyncSession,
    which: ColumnElement[bool],
    enterprise_id: int,
    *,
    deactivating: bool,
    values: dict[str, Any],
) -> Sequence[Row[int, int]]:
    """One UPDATE: the enterprise's labels among ``which`` that are inactive (active, when
    ``deactivating``) in a batch still on the market take ``values``; (batch id, serial) of
    each that did (RETURNING: the counts and ranges need no second pass over the codes)."""
    from_status = LabelStatus.ACTIVE if deactivating else LabelStatus.INACTIVE
    switchable = Label.batch_id.in_(_switchable_batches(enterprise_id, deactivating))
    # On the table, not the mapped class: the ORM's bulk-update machinery would build an
    # object-loading result for the 10,000 returned rows (measured: most of a call's CPU).
    table = cast(Table, Label.__table__)
    query = (
        update(table)
        .where(which, Label.status == from_status, switchable)
        .values(**values)
        .returning(table.c.batch_id, table.c.serial)
    )
    connection = await session.connection()
    return (await connection.execute(query)).all()


async def active_label_count(session: AsyncSession, batch_id: int) -> int:
    """Live labels (active, or printed and awaiting activation) of the batch."""
    query = select(func.count()).where(
        Label.batch_id == batch_id, Label.status.in_(LabelStatus.live())
    )
    return int(await session.scalar(query) or 0)


async def label_owners(
    session: AsyncSession, codes: Sequence[str]
) -> Sequence[Row[str, LabelStatus, int, int, int]]:
    """(code, status, batch_id, licence_id, enterprise_id) of the labels among ``codes``."""
    query = (
        select(
            Label.code,
            Label.status,
            LabelBatch.id.label("batch_id"),
            LabelBatch.licence_id,
            LabelBatch.enterprise_id,
        )
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(Label.code.in_(codes))
    )
    return (await session.execute(query)).all()


# --- overviews (the console's dashboard: app.label.overview) ---------------------------------


def batch_status_counts(principal: Principal) -> Select[BatchStatus, int]:
    """How many of the caller's batches are in each state."""
    scoped = readable_batches(principal).subquery()
    return select(scoped.c.status, func.count()).group_by(scoped.c.status)


def latest_batches(principal: Principal, limit: int) -> Select[LabelBatch]:
    return readable_batches(principal).order_by(LabelBatch.id.desc()).limit(limit)


def scan_totals(principal: Principal) -> Select[int, int, int]:
    """(scans, labels scanned at least once, labels flagged as possibly copied) over the
    caller's labels, from the per-code running totals (never a count of scan rows)."""
    return (
        readable_labels(principal)
        .join(LabelScanStat, LabelScanStat.code == Label.code)
        .with_only_columns(
            func.coalesce(func.sum(LabelScanStat.scan_count), 0),
            func.count(),
            func.count(LabelScanStat.flagged_at),
        )
    )


def issued_by_key_id() -> Select[str | None, int, int]:
    """(key id, batches, labels) for every key id that signed an issued batch: a batch's
    labels are all signed with the key current when it was issued, so its quantity counts
    them without reading the label table."""
    return (
        select(LabelBatch.key_id, func.count(), func.coalesce(func.sum(LabelBatch.quantity), 0))
        .where(LabelBatch.key_id.is_not(None))
        .group_by(LabelBatch.key_id)
        .order_by(LabelBatch.key_id)
    )
