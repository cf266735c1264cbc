"""The supervision queries. The roster, reports and print runs are this domain's tables; the
use rate and the ledger count batches, labels and scans of the domains below, read-only."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, or_, select

from app.core.principal import Principal
from app.core.search import contains_text
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.label.models import BatchStatus, Label, LabelBatch, LabelScanStat, LabelStatus
from app.licence.models import Licence, LicenceStatus
from app.supervision.models import PrintRun, RosterEntry, UseReport, UseReportStatus
from app.supervision.period import Period

# --- the roster ------------------------------------------------------------------------------


def _linked() -> Select[RosterEntry, int | None]:
    """Roster rows and the id of the registered enterprise of the same USCC (the link)."""
    return select(RosterEntry, Enterprise.id).outerjoin(
        Enterprise, Enterprise.uscc == RosterEntry.uscc
    )


def _with_enterprise(principal: Principal) -> Select[RosterEntry, int | None]:
    """The one place that scopes the roster's rows: a bureau reads the entries of its
    division and below."""
    return _linked().where(*_in_division(principal.jurisdiction))


def _in_division(prefix: str | None) -> list[ColumnElement[bool]]:
    return [] if not prefix else [RosterEntry.division_code.startswith(prefix)]


def roster_listing(
    principal: Principal, product_id: int | None, division_prefix: str | None, q: str | None
) -> Select[RosterEntry, int | None]:
    query = (
        _with_enterprise(principal).where(*_in_division(division_prefix)).order_by(RosterEntry.id)
    )
    if product_id is not None:
        query = query.where(RosterEntry.product_id == product_id)
    if q:
        text = q.strip()
        query = query.where(
            or_(contains_text(RosterEntry.name, text), contains_text(RosterEntry.uscc, text))
        )
    return query


def roster_entry(principal: Principal, entry_id: int) -> Select[RosterEntry, int | None]:
    return _with_enterprise(principal).where(RosterEntry.id == entry_id)


def roster_entries(product_id: int, usccs: Collection[str]) -> Select[RosterEntry]:
    return select(RosterEntry).where(
        RosterEntry.product_id == product_id, RosterEntry.uscc.in_(usccs)
    )


def lock_roster_entry(principal: Principal, entry_id: int) -> Select[RosterEntry]:
    query = select(RosterEntry).where(
        RosterEntry.id == entry_id, *_in_division(principal.jurisdiction)
    )
    return query.with_for_update()


def enterprise_id_by_uscc(uscc: str) -> Select[int]:
    return select(Enterprise.id).where(Enterprise.uscc == uscc)


# --- the use rate ----------------------------------------------------------------------------


def active_entries(
    product_id: int, division_prefix: str | None, period: Period
) -> Select[RosterEntry, int | None]:
    """On the roster on some day of the period and not closed before it began."""
    return (
        _linked()
        .where(
            RosterEntry.product_id == product_id,
            RosterEntry.on_roster < period.end_day,
            or_(RosterEntry.closed_on.is_(None), RosterEntry.closed_on >= period.first_day),
            *_in_division(division_prefix),
        )
        .order_by(RosterEntry.division_code, RosterEntry.uscc)
    )


def usccs_issued_labels(product_id: int, start: datetime, end: datetime) -> Select[str]:
    """USCCs of the enterprises whose batches of the product were issued in [start, end)."""
    return (
        select(Enterprise.uscc)
        .join(LabelBatch, LabelBatch.enterprise_id == Enterprise.id)
        .where(
            LabelBatch.product_id == product_id,
            LabelBatch.issued_at >= start,
            LabelBatch.issued_at < end,
        )
        .distinct()
    )


def _declares_use() -> ColumnElement[bool]:
    return or_(UseReport.labels_applied > 0, UseReport.packaging_printed > 0)


def usccs_declared_use(product_id: int, year: int) -> Select[str]:
    """USCCs whose accepted annual report for ``year`` declares the mark used."""
    return (
        select(Enterprise.uscc)
        .join(UseReport, UseReport.enterprise_id == Enterprise.id)
        .where(
            UseReport.product_id == product_id,
            UseReport.year == year,
            UseReport.status == UseReportStatus.ACCEPTED,
            _declares_use(),
        )
        .distinct()
    )


def declared_use_since(year: int) -> Select[int, int]:
    """(enterprise, product) pairs with an accepted report declaring use for ``year`` or later."""
    return (
        select(UseReport.enterprise_id, UseReport.product_id)
        .where(
            UseReport.year >= year,
            UseReport.status == UseReportStatus.ACCEPTED,
            _declares_use(),
        )
        .distinct()
    )


# --- annual use reports ----------------------------------------------------------------------


def readable_reports(principal: Principal) -> Select[UseReport]:
    """The one place that scopes reports: a licensee sees only its own enterprise's."""
    query = select(UseReport)
    if principal.is_licensee:
        query = query.where(UseReport.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(UseReport.enterprise_id.in_(reach))
    return query


def report_listing(
    principal: Principal, year: int | None, product_id: int | None, status: UseReportStatus | None
) -> Select[UseReport]:
    query = readable_reports(principal).order_by(UseReport.id)
    for column, value in (
        (UseReport.year, year),
        (UseReport.product_id, product_id),
        (UseReport.status, status),
    ):
        if value is not None:
            query = query.where(column == value)
    return query


def readable_report(
    principal: Principal, report_id: int, *, lock: bool = False
) -> Select[UseReport]:
    query = readable_reports(principal).where(UseReport.id == report_id)
    return query.with_for_update() if lock else query


def report_of(enterprise_id: int, product_id: int, year: int) -> Select[UseReport]:
    return (
        select(UseReport)
        .where(
            UseReport.enterprise_id == enterprise_id,
            UseReport.product_id == product_id,
            UseReport.year == year,
        )
        .with_for_update()
    )


_HELD = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED, LicenceStatus.WITHDRAWN)


def licensees_owing_report(
    product_id: int, year_start: datetime, year_end: datetime, year: int
) -> Select[Licence, Enterprise, UseReport | None]:
    """Licences of the product held during the year (approved before it ended, not withdrawn
    before it began), with the year's report of the licensee if there is one."""
    return (
        select(Licence, Enterprise, UseReport)
        .join(Enterprise, Enterprise.id == Licence.enterprise_id)
        .outerjoin(
            UseReport,
            and_(
                UseReport.enterprise_id == Licence.enterprise_id,
                UseReport.product_id == Licence.product_id,
                UseReport.year == year,
            ),
        )
        .where(
            Licence.product_id == product_id,
            Licence.status.in_(_HELD),
            Licence.decided_at < year_end,
            or_(Licence.withdrawn_at.is_(None), Licence.withdrawn_at >= year_start),
        )
        .order_by(Enterprise.name, Licence.id)
    )


# --- print runs and the ledger ---------------------------------------------------------------


def print_runs(enterprise_id: int, product_id: int, season: int | None) -> Select[PrintRun]:
    query = (
        select(PrintRun)
        .join(LabelBatch, LabelBatch.id == PrintRun.batch_id)
        .where(PrintRun.enterprise_id == enterprise_id, PrintRun.product_id == product_id)
        .order_by(PrintRun.printed_on, PrintRun.id)
    )
    return query if season is None else query.where(LabelBatch.season == season)


def print_runs_of_batch(batch_id: int) -> Select[PrintRun]:
    """A batch's print runs (the caller has read the batch through the label service)."""
    return (
        select(PrintRun)
        .where(PrintRun.batch_id == batch_id)
        .order_by(PrintRun.printed_on, PrintRun.id)
    )


def _label_counts() -> Subquery:
    def count_of(status: LabelStatus) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((Label.status == status, 1), else_=0)), 0)

    return (
        select(
            Label.batch_id.label("batch_id"),
            func.count().label("issued"),
            count_of(LabelStatus.VOID).label("voided"),
            count_of(LabelStatus.REVOKED).label("revoked"),
            func.coalesce(func.sum(LabelScanStat.scan_count), 0).label("scans"),
        )
        .outerjoin(LabelScanStat, LabelScanStat.code == Label.code)
        .group_by(Label.batch_id)
        .subquery()
    )


def _printed() -> Subquery:
    return (
        select(
            PrintRun.batch_id.label("batch_id"),
            func.sum(PrintRun.quantity).label("printed"),
            func.sum(PrintRun.spoiled).label("spoiled"),
            func.sum(PrintRun.destroyed).label("destroyed"),
        )
        .group_by(PrintRun.batch_id)
        .subquery()
    )


def ledger_batches(
    enterprise_id: int, product_id: int, season: int | None
) -> Select[*tuple[Any, ...]]:
    """Each batch of the enterprise and product with its label, print and scan counts."""
    labels, printed = _label_counts(), _printed()
    query = (
        select(
            LabelBatch.id,
            LabelBatch.lot_number,
            LabelBatch.status,
            LabelBatch.quantity,
            func.coalesce(labels.c.issued, 0),
            func.coalesce(printed.c.printed, 0),
            func.coalesce(printed.c.spoiled, 0),
            func.coalesce(printed.c.destroyed, 0),
            func.coalesce(labels.c.voided, 0),
            func.coalesce(labels.c.revoked, 0),
            func.coalesce(labels.c.scans, 0),
        )
        .outerjoin(labels, labels.c.batch_id == LabelBatch.id)
        .outerjoin(printed, printed.c.batch_id == LabelBatch.id)
        .where(LabelBatch.enterprise_id == enterprise_id, LabelBatch.product_id == product_id)
        .order_by(LabelBatch.id)
    )
    return query if season is None else query.where(LabelBatch.season == season)


APPROVED_ONCE = frozenset(BatchStatus) - {BatchStatus.REQUESTED, BatchStatus.REJECTED}
