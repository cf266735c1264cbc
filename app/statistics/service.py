"""The statistics' figures, each filterable by product, division and period. The API, the
console page and the annual report all read them from here.

Labels and scans come from the roll-up (``stat_daily``, refreshed by a job, "as of" its last
run); inspections, consumer reports and licences are read from their own tables, which a
county holds by the hundred or thousand, not by the million.

A division filter takes any GB/T 2260 code: a county, or a city or province with everything
inside it. An enterprise's division is its ``division_code``, the county of its registered
address, as for every bureau's jurisdiction (``app.statistics.places``).
"""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core import divisions as gbt2260
from app.core import time as clock
from app.core.time import public_date, public_zone
from app.inspection.models import InspectionResult
from app.licence.models import LicenceStatus
from app.registry import service as registry_service
from app.report.models import ReportStatus
from app.statistics import places, repository, rollup
from app.statistics.exceptions import BadFilter
from app.statistics.models import UNKNOWN_DIVISION
from app.statistics.use_rate import UseRate, current_use_rate

LABEL_MEASURES = {
    rollup.LABEL_ISSUED: "issued",
    rollup.TAKEN_OUT_MEASURES["void"]: "void",
    rollup.TAKEN_OUT_MEASURES["revoked"]: "revoked",
}
MAX_PERIOD = timedelta(days=366 * 5)


@dataclass(frozen=True)
class Filters:
    """What every figure is narrowed by: a period of whole public days [start, end]."""

    start: date
    end: date
    product_id: int | None = None
    division: str | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise BadFilter("to", "the period ends before it starts")
        if self.end - self.start > MAX_PERIOD:
            raise BadFilter("to", "a period is at most five years")
        if self.division is not None and not gbt2260.is_known(self.division):
            raise BadFilter("division", "not a GB/T 2260 division code")

    @classmethod
    def year(cls, year: int, product_id: int | None = None, division: str | None = None) -> Filters:
        return cls(date(year, 1, 1), date(year, 12, 31), product_id, division)

    @property
    def prefix(self) -> str | None:
        return places.division_prefix(self.division) if self.division else None

    @property
    def instants(self) -> tuple[datetime, datetime]:
        """[start, end) as instants: local midnight of the first day to that after the last."""
        zone = public_zone()
        first = datetime.combine(self.start, time(0, 0), tzinfo=zone)
        return first, datetime.combine(self.end + timedelta(days=1), time(0, 0), tzinfo=zone)

    def months(self) -> list[str]:
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(f"{day:%Y-%m}")
            day = (day + timedelta(days=32)).replace(day=1)
        return months


@dataclass
class LabelFigures:
    months: list[str]
    per_month: dict[str, dict[str, int]]  # kind (issued, void, revoked) → month → labels
    totals: dict[str, int]


@dataclass
class ScanFigures:
    months: list[str]
    per_month: dict[str, int]
    by_verdict: dict[str, int]
    by_region: dict[str, int]  # division code or "unknown"; only shared locations
    clones_per_month: dict[str, int]
    total: int
    located: int
    clones: int


@dataclass
class InspectionFigures:
    count: int
    passed: int
    failed: int
    pass_rate: float | None
    batches_issued: int
    batches_inspected: int
    coverage: float | None  # share of the batches issued in the period inspected at least once
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class ReportFigures:
    filed: int
    by_status: dict[str, int]
    responded: int
    median_first_response_hours: float | None  # first state change after filing
    closed: int
    median_resolution_hours: float | None  # filing to resolved or dismissed
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    # The statutory clocks (app/report/deadlines.py), of the same reports:
    accepted_on_time: int = 0  # accepted or refused by accept_by
    accepted_late: int = 0  # answered after accept_by
    finished_on_time: int = 0  # closed by finish_by
    finished_late: int = 0  # closed after finish_by
    overdue: int = 0  # open now, and the clock that runs (accept or finish) has run out
    without_deadline: int = 0  # filed before the clocks, or a day the calendar did not cover


@dataclass
class LicenceFigures:
    by_state: dict[str, int]  # effective state today (an active licence past its end: expired)
    new: int  # granted within the period
    withdrawn: int  # withdrawn within the period
    withdrawals: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class Statistics:
    filters: Filters
    as_of: datetime | None
    labels: LabelFigures
    scans: ScanFigures
    inspections: InspectionFigures
    reports: ReportFigures
    licences: LicenceFigures
    use_rate: UseRate | None  # from the supervision roster; None until it is provided


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


async def check_product(session: AsyncSession, filters: Filters) -> None:
    """An unknown product id is a 404, as everywhere else."""
    if filters.product_id is not None:
        await registry_service.get_product(session, filters.product_id)


async def as_of(session: AsyncSession) -> datetime | None:
    return await repository.last_refresh(session)


async def label_figures(session: AsyncSession, filters: Filters) -> LabelFigures:
    rows = await repository.daily_totals(
        session, LABEL_MEASURES, filters.product_id, filters.prefix, filters.start, filters.end
    )
    months = filters.months()
    per_month = {kind: dict.fromkeys(months, 0) for kind in LABEL_MEASURES.values()}
    for day, measure, _detail, count in rows:
        per_month[LABEL_MEASURES[measure]][_month(day)] += int(count)
    totals = {kind: sum(values.values()) for kind, values in per_month.items()}
    return LabelFigures(months, per_month, totals)


async def scan_figures(session: AsyncSession, filters: Filters) -> ScanFigures:
    measures = (rollup.SCAN, rollup.SCAN_REGION, rollup.CLONE)
    rows = await repository.daily_totals(
        session, measures, filters.product_id, filters.prefix, filters.start, filters.end
    )
    months = filters.months()
    per_month, clones = dict.fromkeys(months, 0), dict.fromkeys(months, 0)
    by_verdict: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    for day, measure, detail, count in rows:
        if measure == rollup.SCAN:
            per_month[_month(day)] += int(count)
            by_verdict[detail] += int(count)
        elif measure == rollup.SCAN_REGION:
            by_region[detail] += int(count)
        else:
            clones[_month(day)] += int(count)
    return ScanFigures(
        months=months,
        per_month=per_month,
        by_verdict=dict(by_verdict.most_common()),
        by_region=dict(by_region.most_common()),
        clones_per_month=clones,
        total=sum(per_month.values()),
        located=sum(by_region.values()),
        clones=sum(clones.values()),
    )


async def enterprises_in(session: AsyncSession, filters: Filters) -> set[int] | None:
    """The enterprises within the division filter (``None``: no division filter)."""
    prefix = filters.prefix
    if prefix is None:
        return None
    return {
        enterprise_id
        for enterprise_id, (code, uscc) in (await repository.enterprise_places(session)).items()
        if places.division_of_enterprise(code, uscc).startswith(prefix)
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def inspection_figures(session: AsyncSession, filters: Filters) -> InspectionFigures:
    enterprises = await enterprises_in(session, filters)
    rows = await repository.inspections(
        session, filters.product_id, enterprises, filters.start, filters.end
    )
    passed = sum(1 for row in rows if row[2] == InspectionResult.PASS)
    issued, inspected = await repository.batch_coverage(
        session, filters.product_id, enterprises, *filters.instants
    )
    return InspectionFigures(
        count=len(rows),
        passed=passed,
        failed=len(rows) - passed,
        pass_rate=_share(passed, len(rows)),
        batches_issued=issued,
        batches_inspected=inspected,
        coverage=_share(inspected, issued),
        rows=rows,
    )


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


def _median(values: list[float]) -> float | None:
    return round(stats.median(values), 1) if values else None


async def report_figures(session: AsyncSession, filters: Filters) -> ReportFigures:
    """First response = the report's first state change after filing (until the governance
    issue defines its own clock); resolution = filing to resolved or dismissed."""
    enterprises = await enterprises_in(session, filters)
    rows = await repository.reports(session, filters.product_id, enterprises, *filters.instants)
    filed_at = {row[0]: row[1] for row in rows}
    first: dict[int, datetime] = {}
    closed: dict[int, datetime] = {}
    closing = {f"report.{s.value}" for s in ReportStatus if s.is_closed}
    for report_id, action, at in await repository.report_changes(session, list(filed_at)):
        first.setdefault(report_id, at)
        if action in closing:
            closed.setdefault(report_id, at)
    by_status = dict.fromkeys((s.value for s in ReportStatus), 0)
    for row in rows:
        by_status[row[2]] += 1
    figures = ReportFigures(
        filed=len(rows),
        by_status=by_status,
        responded=len(first),
        median_first_response_hours=_median([_hours(at, filed_at[i]) for i, at in first.items()]),
        closed=len(closed),
        median_resolution_hours=_median([_hours(at, filed_at[i]) for i, at in closed.items()]),
        rows=rows,
    )
    clocks = await repository.report_clocks(
        session, filters.product_id, enterprises, *filters.instants
    )
    _count_clocks(figures, clocks, clock.utcnow())
    return figures


def _count_clocks(figures: ReportFigures, clocks: list[tuple[Any, ...]], now: datetime) -> None:
    """A deadline is kept when the step is taken by the end of its day (public zone)."""
    for accept_by, finish_by, decided_at, closed_at, due_at in clocks:
        if accept_by is None:
            figures.without_deadline += 1
            continue
        if decided_at is not None:
            if public_date(decided_at) <= accept_by:
                figures.accepted_on_time += 1
            else:
                figures.accepted_late += 1
        if closed_at is not None and finish_by is not None:
            if public_date(closed_at) <= finish_by:
                figures.finished_on_time += 1
            else:
                figures.finished_late += 1
        if closed_at is None and due_at is not None and now >= due_at:
            figures.overdue += 1


async def licence_figures(session: AsyncSession, filters: Filters) -> LicenceFigures:
    enterprises = await enterprises_in(session, filters)
    start, end = filters.instants
    by_state: defaultdict[str, int] = defaultdict(int)
    new = withdrawn = 0
    withdrawals = []
    for (
        _id,
        status,
        valid_until,
        decided_at,
        withdrawn_at,
        name,
        number,
        reason,
    ) in await repository.licences(session, filters.product_id, enterprises):
        by_state[LicenceStatus.effective(status, valid_until).value] += 1
        granted = status not in (*LicenceStatus.undecided(), LicenceStatus.REJECTED)
        if granted and decided_at is not None and start <= decided_at < end:
            new += 1
        if withdrawn_at is not None and start <= withdrawn_at < end:
            withdrawn += 1
            withdrawals.append((withdrawn_at, name, number, reason))
    states = {s.value: by_state.get(s.value, 0) for s in LicenceStatus}
    return LicenceFigures(states, new, withdrawn, withdrawals)


async def revocations(
    session: AsyncSession,
    filters: Filters,
    enterprises: set[int] | None,
    start: datetime,
    end: datetime,
) -> list[tuple[Any, ...]]:
    """The revocations decided within [start, end), reversed ones included (and marked)."""
    return await repository.revocations(session, filters.product_id, enterprises, start, end)


async def recalls(
    session: AsyncSession,
    filters: Filters,
    enterprises: set[int] | None,
    start: datetime,
    end: datetime,
) -> list[tuple[Any, ...]]:
    return await repository.recalls(session, filters.product_id, enterprises, start, end)


async def overview(session: AsyncSession, filters: Filters) -> Statistics:
    """Everything the statistics page shows: its whole query set."""
    await check_product(session, filters)
    return Statistics(
        filters=filters,
        as_of=await as_of(session),
        labels=await label_figures(session, filters),
        scans=await scan_figures(session, filters),
        inspections=await inspection_figures(session, filters),
        reports=await report_figures(session, filters),
        licences=await licence_figures(session, filters),
        use_rate=await current_use_rate(session, filters),
    )


async def product_names(session: AsyncSession) -> dict[int, tuple[str, str, str]]:
    """Product id → (code, Chinese name, English name)."""
    return {i: (code, zh, en) for i, code, zh, en in await repository.products(session)}


def division_name(code: str) -> tuple[str, str]:
    """(Chinese, English) name of a region as the figures show it."""
    if code == UNKNOWN_DIVISION:
        return "未知", "unknown"
    found = gbt2260.get(code)
    return (gbt2260.full_name(code), code) if found else (code, code)
