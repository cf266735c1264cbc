"""The statistics' SQL: what the refresh reads from the domains' tables (only rows past a
watermark, through indexes), the roll-up's writes, and the figures' reads.

A "day" is a public calendar day (``GIMARK_TIME_ZONE``). PostgreSQL groups by it in SQL;
SQLite knows no time zones, so there a query groups by the instant and the caller folds the
instants into days (``app.statistics.rollup``): the development database never holds much.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.core.time import public_zone
from app.enterprise.models import Enterprise
from app.inspection.models import Inspection, InspectionResult, InspectionStage
from app.label.models import (
    BatchMeasure,
    BatchMeasureKind,
    BatchStatus,
    Label,
    LabelBatch,
    LabelScanStat,
    LabelStatus,
)
from app.licence.models import Licence
from app.registry.models import GIProduct
from app.report.models import ConsumerReport
from app.revocation.models import Revocation
from app.statistics.models import NO_PRODUCT, StatCountedDivision, StatDaily, StatWatermark
from app.verification.models import Scan, ScanDaily

Row = tuple[Any, ...]


def on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _day(session: AsyncSession, instant: Any) -> Any:
    if on_postgresql(session):
        return func.date(func.timezone(public_zone().key, instant))
    return instant


async def try_lock(session: AsyncSession, key: int) -> bool:
    """PostgreSQL: take the transaction-scoped advisory lock ``key`` if it is free."""
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(key))))


# --- watermarks -----------------------------------------------------------------------------


async def watermarks(session: AsyncSession) -> dict[str, StatWatermark]:
    return {mark.source: mark for mark in await session.scalars(select(StatWatermark))}


async def save_watermark(
    session: AsyncSession,
    source: str,
    refreshed_at: datetime,
    *,
    last_id: int | None = None,
    last_at: datetime | None = None,
) -> None:
    await session.merge(
        StatWatermark(source=source, last_id=last_id, last_at=last_at, refreshed_at=refreshed_at)
    )


async def last_refresh(session: AsyncSession) -> datetime | None:
    found: datetime | None = await session.scalar(select(func.min(StatWatermark.refreshed_at)))
    return found


# --- the sources ----------------------------------------------------------------------------


def _within(column: Any, after: datetime | None, upto: datetime) -> ColumnElement[bool]:
    """``column`` in (after, upto]; no ``after``: since ever."""
    window: ColumnElement[bool] = column <= upto
    return window if after is None else and_(window, column > after)


def _of_enterprises(enterprise_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    """Narrows a source to some enterprises' rows (those moving to another division)."""
    return [] if enterprise_ids is None else [LabelBatch.enterprise_id.in_(enterprise_ids)]


async def scan_id_bound(session: AsyncSession, after_id: int, cutoff: datetime) -> int | None:
    """The highest scan id past ``after_id`` recorded before ``cutoff`` (a range on the key)."""
    found: int | None = await session.scalar(
        select(func.max(Scan.id)).where(Scan.id > after_id, Scan.scanned_at < cutoff)
    )
    return found


async def scan_counts(
    session: AsyncSession,
    after_id: int,
    upto_id: int,
    enterprise_ids: Collection[int] | None = None,
) -> Sequence[Row]:
    """(day, product, enterprise, verdict, latitude, longitude, scans) of the scans with ids in
    (after_id, upto_id], of ``enterprise_ids`` only if given; a code matching no label has no
    product and no enterprise."""
    day = _day(session, Scan.scanned_at)
    query = (
        select(
            day,
            LabelBatch.product_id,
            LabelBatch.enterprise_id,
            Scan.verdict,
            Scan.latitude,
            Scan.longitude,
            func.count(),
        )
        .select_from(Scan)
        .outerjoin(Label, Label.code == Scan.code)
        .outerjoin(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(Scan.id > after_id, Scan.id <= upto_id, *_of_enterprises(enterprise_ids))
        .group_by(
            day,
            LabelBatch.product_id,
            LabelBatch.enterprise_id,
            Scan.verdict,
            Scan.latitude,
            Scan.longitude,
        )
    )
    return [tuple(row) for row in await session.execute(query)]


async def retained_scan_counts(session: AsyncSession) -> list[Row]:
    """(day, product, enterprise, scans) of the scans the 180-day retention had already folded
    into per-code daily counts (``scan_daily``) before the statistics existed."""
    query = (
        select(
            ScanDaily.day,
            LabelBatch.product_id,
            LabelBatch.enterprise_id,
            func.sum(ScanDaily.scans),
        )
        .select_from(ScanDaily)
        .outerjoin(Label, Label.code == ScanDaily.code)
        .outerjoin(LabelBatch, LabelBatch.id == Label.batch_id)
        .group_by(ScanDaily.day, LabelBatch.product_id, LabelBatch.enterprise_id)
    )
    return [tuple(row) for row in await session.execute(query)]


async def issued_counts(
    session: AsyncSession,
    after: datetime | None,
    upto: datetime,
    enterprise_ids: Collection[int] | None = None,
) -> list[Row]:
    """(day, product, enterprise, labels) of the batches issued in (after, upto] (of
    ``enterprise_ids`` only, if given)."""
    day = _day(session, LabelBatch.issued_at)
    window = _within(LabelBatch.issued_at, after, upto)
    query = (
        select(day, LabelBatch.product_id, LabelBatch.enterprise_id, func.count(Label.code))
        .join(Label, Label.batch_id == LabelBatch.id)
        .where(window, *_of_enterprises(enterprise_ids))
        .group_by(day, LabelBatch.product_id, LabelBatch.enterprise_id)
    )
    return [tuple(row) for row in await session.execute(query)]


async def taken_out_counts(
    session: AsyncSession, ranges: Collection[tuple[datetime | None, datetime]]
) -> list[Row]:
    """(day, product, enterprise, status, labels) of the labels now void or revoked whose
    status changed within one of ``ranges`` ([start, end); no start: since ever)."""
    within = [
        Label.status_changed_at < end
        if start is None
        else and_(Label.status_changed_at >= start, Label.status_changed_at < end)
        for start, end in ranges
    ]
    day = _day(session, Label.status_changed_at)
    query = (
        select(day, LabelBatch.product_id, LabelBatch.enterprise_id, Label.status, func.count())
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(or_(*within), Label.status.in_(LabelStatus.taken_out()))
        .group_by(day, LabelBatch.product_id, LabelBatch.enterprise_id, Label.status)
    )
    return [
        (d, product, enterprise, LabelStatus(status).value, count)
        for d, product, enterprise, status, count in await session.execute(query)
    ]


async def reversed_revocation_times(
    session: AsyncSession, after: datetime | None, upto: datetime
) -> list[datetime]:
    """When the revocations reversed in (after, upto] had revoked their labels: those days'
    revoked counts must be counted again (their labels are active once more)."""
    window = _within(Revocation.reversed_at, after, upto)
    return list(await session.scalars(select(Revocation.revoked_at).where(window)))


async def clone_counts(
    session: AsyncSession,
    after: datetime | None,
    upto: datetime,
    enterprise_ids: Collection[int] | None = None,
) -> list[Row]:
    """(day, product, enterprise, reason, codes) of the codes first flagged in (after, upto]
    (of ``enterprise_ids`` only, if given)."""
    day = _day(session, LabelScanStat.flagged_at)
    window = _within(LabelScanStat.flagged_at, after, upto)  # never flagged: NULL, outside
    query = (
        select(
            day,
            LabelBatch.product_id,
            LabelBatch.enterprise_id,
            LabelScanStat.suspect_reason,
            func.count(),
        )
        .join(Label, Label.code == LabelScanStat.code)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(window, *_of_enterprises(enterprise_ids))
        .group_by(
            day, LabelBatch.product_id, LabelBatch.enterprise_id, LabelScanStat.suspect_reason
        )
    )
    return [tuple(row) for row in await session.execute(query)]


async def enterprise_places(
    session: AsyncSession, enterprise_ids: Collection[int] | None = None
) -> dict[int, tuple[str | None, str]]:
    """Enterprise → (division_code, USCC), of ``enterprise_ids`` or of every enterprise (a
    province's register holds thousands, not millions)."""
    query = select(Enterprise.id, Enterprise.division_code, Enterprise.uscc)
    if enterprise_ids is not None:
        if not enterprise_ids:
            return {}
        query = query.where(Enterprise.id.in_(enterprise_ids))
    return {i: (division_code, uscc) for i, division_code, uscc in await session.execute(query)}


async def counted_divisions(session: AsyncSession) -> dict[int, str]:
    rows = await session.execute(
        select(StatCountedDivision.enterprise_id, StatCountedDivision.division)
    )
    return {enterprise_id: division for enterprise_id, division in rows}


async def possibly_moved(session: AsyncSession) -> dict[int, tuple[str, str | None, str]]:
    """Enterprise → (counted division, division_code, USCC) of the enterprises whose
    division_code is not the one counted under: those moved, and those without a division_code
    (their division comes from the USCC, in Python). One pass over a table of one row per
    enterprise."""
    query = select(
        StatCountedDivision.enterprise_id,
        StatCountedDivision.division,
        Enterprise.division_code,
        Enterprise.uscc,
    ).join(Enterprise, Enterprise.id == StatCountedDivision.enterprise_id)
    query = query.where(Enterprise.division_code.is_distinct_from(StatCountedDivision.division))
    return {i: (counted, code, uscc) for i, counted, code, uscc in await session.execute(query)}


async def save_counted_divisions(session: AsyncSession, divisions: dict[int, str]) -> None:
    if not divisions:
        return
    dialect = postgresql if on_postgresql(session) else sqlite
    upsert = dialect.insert(StatCountedDivision)
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=["enterprise_id"], set_={"division": upsert.excluded.division}
        ),
        [{"enterprise_id": i, "division": division} for i, division in divisions.items()],
    )


# --- the roll-up's writes -------------------------------------------------------------------


async def add_daily(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Add counts into ``stat_daily``; a key already there is summed into. One statement run
    over many parameter sets (batched into multi-row inserts by the driver layer), not one
    huge compiled VALUES list."""
    if not rows:
        return
    dialect = postgresql if on_postgresql(session) else sqlite
    upsert = dialect.insert(StatDaily)
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=["day", "product_id", "division", "measure", "detail"],
            set_={"count": StatDaily.count + upsert.excluded.count},
        ),
        rows,
    )


async def delete_daily(
    session: AsyncSession, measures: Collection[str], days: Collection[date] | None
) -> None:
    """Forget the counts of ``measures`` on ``days`` (all days: ``None``), to count them anew."""
    query = delete(StatDaily).where(StatDaily.measure.in_(measures))
    if days is not None:
        query = query.where(StatDaily.day.in_(days))
    await session.execute(query)


async def delete_emptied_daily(
    session: AsyncSession, days: Collection[date], divisions: Collection[str]
) -> None:
    """Forget the rows of ``divisions`` on ``days`` that a move left at zero (an enterprise's
    counts moved away): a region or verdict of zero scans is no figure to show."""
    if not days:
        return
    await session.execute(
        delete(StatDaily).where(
            StatDaily.day.in_(days), StatDaily.division.in_(divisions), StatDaily.count == 0
        )
    )


# --- the figures ----------------------------------------------------------------------------


def _daily_filter(
    product_id: int | None, prefix: str | None, start: date, end: date
) -> ColumnElement[bool]:
    condition = and_(StatDaily.day >= start, StatDaily.day <= end)
    if product_id is not None:
        condition = and_(condition, StatDaily.product_id == product_id)
    if prefix is not None:
        condition = and_(condition, StatDaily.division.startswith(prefix, autoescape=True))
    return condition


async def daily_totals(
    session: AsyncSession,
    measures: Collection[str],
    product_id: int | None,
    prefix: str | None,
    start: date,
    end: date,
) -> list[Row]:
    """(day, measure, detail, count) summed over products and divisions within the filter."""
    query = (
        select(StatDaily.day, StatDaily.measure, StatDaily.detail, func.sum(StatDaily.count))
        .where(StatDaily.measure.in_(measures), _daily_filter(product_id, prefix, start, end))
        .group_by(StatDaily.day, StatDaily.measure, StatDaily.detail)
    )
    return [tuple(row) for row in await session.execute(query)]


async def totals_by_product(session: AsyncSession, measures: Collection[str]) -> list[Row]:
    """(product, day, measure, count) of every product (the open data folds days into years)."""
    query = (
        select(StatDaily.product_id, StatDaily.day, StatDaily.measure, func.sum(StatDaily.count))
        .where(StatDaily.measure.in_(measures), StatDaily.product_id != NO_PRODUCT)
        .group_by(StatDaily.product_id, StatDaily.day, StatDaily.measure)
    )
    return [tuple(row) for row in await session.execute(query)]


def _scoped(
    product_column: Any,
    enterprise_column: Any,
    product_id: int | None,
    enterprise_ids: Collection[int] | None,
) -> list[ColumnElement[bool]]:
    conditions = []
    if product_id is not None:
        conditions.append(product_column == product_id)
    if enterprise_ids is not None:
        conditions.append(enterprise_column.in_(enterprise_ids))
    return conditions


async def inspections(
    session: AsyncSession,
    product_id: int | None,
    enterprise_ids: Collection[int] | None,
    start: date,
    end: date,
) -> list[Row]:
    """(id, sampled_on, result, enterprise, lot, report number, lab) sampled within the dates."""
    query = (
        select(
            Inspection.id,
            Inspection.sampled_on,
            Inspection.result,
            Enterprise.name,
            LabelBatch.lot_number,
            Inspection.report_number,
            Inspection.lab,
        )
        .join(LabelBatch, LabelBatch.id == Inspection.batch_id)
        .join(Enterprise, Enterprise.id == LabelBatch.enterprise_id)
        .where(
            Inspection.stage == InspectionStage.FINAL,  # final results only (issue 14)
            Inspection.sampled_on >= start,
            Inspection.sampled_on <= end,
            *_scoped(LabelBatch.product_id, LabelBatch.enterprise_id, product_id, enterprise_ids),
        )
        .order_by(Inspection.sampled_on, Inspection.id)
    )
    return [
        (i, on, InspectionResult(result).value, name, lot, number, lab)
        for i, on, result, name, lot, number, lab in await session.execute(query)
    ]


async def batch_coverage(
    session: AsyncSession,
    product_id: int | None,
    enterprise_ids: Collection[int] | None,
    start: datetime,
    end: datetime,
) -> tuple[int, int]:
    """(batches issued in [start, end), of which inspected at least once)."""
    inspected = (
        select(Inspection.id)
        .where(Inspection.batch_id == LabelBatch.id, Inspection.stage == InspectionStage.FINAL)
        .exists()
    )
    query = select(func.count(), func.count().filter(inspected)).where(
        LabelBatch.issued_at >= start,
        LabelBatch.issued_at < end,
        LabelBatch.status.in_(BatchStatus.on_market()),
        *_scoped(LabelBatch.product_id, LabelBatch.enterprise_id, product_id, enterprise_ids),
    )
    issued, covered = (await session.execute(query)).one()
    return int(issued), int(covered)


def _reports(
    columns: list[Any],
    product_id: int | None,
    enterprise_ids: Collection[int] | None,
    start: datetime,
    end: datetime,
) -> Select[Any]:
    """``columns`` of the consumer reports filed in [start, end); a report names a product
    through the code it was about, if any."""
    return (
        select(*columns)
        .select_from(ConsumerReport)
        .outerjoin(Label, Label.code == ConsumerReport.code)
        .outerjoin(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(
            ConsumerReport.created_at >= start,
            ConsumerReport.created_at < end,
            *_scoped(
                LabelBatch.product_id, ConsumerReport.enterprise_id, product_id, enterprise_ids
            ),
        )
        .order_by(ConsumerReport.created_at, ConsumerReport.id)
    )


async def reports(
    session: AsyncSession,
    product_id: int | None,
    enterprise_ids: Collection[int] | None,
    start: datetime,
    end: datetime,
) -> list[Row]:
    """(id, filed at, status, outcome) of the consumer reports filed in [start, end)."""
    columns = [
        ConsumerReport.id,
        ConsumerReport.created_at,
        ConsumerReport.status,
        ConsumerReport.outcome,
    ]
    query = _reports(columns, product_id, enterprise_ids, start, end)
    return [
        (i, at, str(status), outcome) for i, at, status, outcome in await session.execute(query)
    ]


async def report_clocks(
    session: AsyncSession,
    product_id: int | None,
    enterprise_ids: Collection[int] | None,
    start: datetime,
    end: datetime,
) -> list[Row]:
    """(accept_by, finish_by, decided_at, closed_at, due_at) of the same reports."""
    columns = [
        ConsumerReport.accept_by,
        ConsumerReport.finish_by,
        ConsumerReport.decided_at,
        ConsumerReport.closed_at,
        ConsumerReport.due_at,
    ]
    query = _reports(columns, product_id, enterprise_ids, start, end)
    return [tuple(row) for row in await session.execute(query)]


async def report_changes(session: AsyncSession, report_ids: Collection[int]) -> list[Row]:
    """(report id, action, when) of every state change of those reports, from the audit ledger
    (each change is audited in its own transaction: ``report.<new state>``)."""
    if not report_ids:
        return []
    query = (
        select(AuditEvent.object_id, AuditEvent.action, AuditEvent.occurred_at)
        .where(
            AuditEvent.object_type == "consumer_report",
            AuditEvent.object_id.in_([str(i) for i in report_ids]),
            AuditEvent.action != "report.file",
        )
        .order_by(AuditEvent.seq)
    )
    return [(int(i), action, at) for i, action, at in await session.execute(query)]


async def licences(
    session: AsyncSession, product_id: int | None, enterprise_ids: Collection[int] | None
) -> list[Row]:
    """(id, status, valid_until, decided_at, withdrawn_at, enterprise name, number, reason)."""
    query = (
        select(
            Licence.id,
            Licence.status,
            Licence.valid_until,
            Licence.decided_at,
            Licence.withdrawn_at,
            Enterprise.name,
            Licence.number,
            Licence.withdrawal_reason,
        )
        .join(Enterprise, Enterprise.id == Licence.enterprise_id)
        .where(*_scoped(Licence.product_id, Licence.enterprise_id, product_id, enterprise_ids))
        .order_by(Licence.id)
    )
    return [(i, str(s), *rest) for i, s, *rest in await session.execute(query)]


async def revocations(
    session: AsyncSession,
    product_id: int | None,
    enterprise_ids: Collection[int] | None,
    start: datetime,
    end: datetime,
) -> list[Row]:
    """(revoked at, scope, enterprise name, labels, case number, reason, reversed at)."""
    product_of = (
        select(Licence.product_id).where(Licence.id == Revocation.licence_id).scalar_subquery()
    )
    batch_product = (
        select(LabelBatch.product_id).where(LabelBatch.id == Revocation.batch_id).scalar_subquery()
    )
    product = func.coalesce(product_of, batch_product)
    query = (
        select(
            Revocation.revoked_at,
            Revocation.scope,
            Enterprise.name,
            Revocation.label_count,
            Revocation.case_number,
            Revocation.reason,
            Revocation.reversed_at,
        )
        .join(Enterprise, Enterprise.id == Revocation.enterprise_id)
        .where(
            Revocation.revoked_at >= start,
            Revocation.revoked_at < end,
            *_scoped(product, Revocation.enterprise_id, product_id, enterprise_ids),
        )
        .order_by(Revocation.revoked_at)
    )
    return [(at, str(scope), *rest) for at, scope, *rest in await session.execute(query)]


async def recalls(
    session: AsyncSession,
    product_id: int | None,
    enterprise_ids: Collection[int] | None,
    start: datetime,
    end: datetime,
) -> list[Row]:
    """(acted at, enterprise name, lot, case number, reason) of the batch recalls."""
    query = (
        select(
            BatchMeasure.acted_at,
            Enterprise.name,
            LabelBatch.lot_number,
            BatchMeasure.case_number,
            BatchMeasure.reason,
        )
        .join(LabelBatch, LabelBatch.id == BatchMeasure.batch_id)
        .join(Enterprise, Enterprise.id == LabelBatch.enterprise_id)
        .where(
            BatchMeasure.kind == BatchMeasureKind.RECALL,
            BatchMeasure.acted_at >= start,
            BatchMeasure.acted_at < end,
            *_scoped(LabelBatch.product_id, LabelBatch.enterprise_id, product_id, enterprise_ids),
        )
        .order_by(BatchMeasure.acted_at)
    )
    return [tuple(row) for row in await session.execute(query)]


async def products(session: AsyncSession) -> list[Row]:
    """(id, code, Chinese name, English name) of every product, by code."""
    query = select(GIProduct.id, GIProduct.code, GIProduct.name_zh, GIProduct.name_en).order_by(
        GIProduct.code
    )
    return [tuple(row) for row in await session.execute(query)]
