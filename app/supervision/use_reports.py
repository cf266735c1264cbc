"""Licensees' annual use reports (年度使用情况报告): submitted by the licensee, accepted or
returned with a reason by the regulator. A report is due by 31 March of the following year
(the provincial office's own annual report follows); one submitted later is marked late.

An accepted report that declares use (labels applied, or packaging printed with the mark
outside gimark) counts as use: for the mark-use rate (``use_rate``) and for the two-year
non-use rule (``app.label.licence_use``, through :func:`declared_use_since`, lent to it by
``app.wiring`` as label sits below this domain).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import audited
from app.core.errors import NotFound, require_state
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal
from app.core.time import public_today, public_zone, utcnow
from app.licence import service as licence_service
from app.licence.models import LicenceStatus
from app.supervision import repository
from app.supervision.exceptions import ReportAlreadySubmitted
from app.supervision.models import UseReport, UseReportStatus
from app.supervision.schemas import MissingReport, UseReportIn

HELD = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED, LicenceStatus.WITHDRAWN)
DUE_MONTH, DUE_DAY = 3, 31  # of the year after the one reported on
FIGURES = tuple(f for f in UseReportIn.model_fields if f not in ("product_id", "year"))


def due_date(year: int) -> date:
    return date(year + 1, DUE_MONTH, DUE_DAY)


async def _require_licence(session: AsyncSession, actor: Principal, product_id: int) -> None:
    """Only a licensee of the product reports on its use (any licence it held: a withdrawn
    licensee still reports on the year it used the mark)."""
    licences, _ = await licence_service.list_readable(
        session, actor, PageParams(limit=100, offset=0), product_id=product_id
    )
    if not any(licence.status in HELD for licence in licences):
        raise NotFound(f"no licence of your enterprise for product {product_id}")


async def submit(session: AsyncSession, actor: Principal, data: UseReportIn) -> UseReport:
    """File the year's report, or file it again after it was returned."""
    assert actor.enterprise_id is not None  # the policy admits licensees only
    await _require_licence(session, actor, data.product_id)
    query = repository.report_of(actor.enterprise_id, data.product_id, data.year)
    report = await session.scalar(query)
    if report is not None and report.status is not UseReportStatus.RETURNED:
        raise ReportAlreadySubmitted(
            f"the {data.year} report is {report.status.value} already (report {report.id})",
            report_id=report.id,
        )
    if report is None:
        report = UseReport(
            enterprise_id=actor.enterprise_id, product_id=data.product_id, year=data.year
        )
    async with audited(session, actor, "use_report.submit", report, "year", "status", *FIGURES):
        for name in FIGURES:
            setattr(report, name, getattr(data, name))
        report.status = UseReportStatus.SUBMITTED
        report.submitted_at = utcnow()
        report.submitted_late = public_today() > due_date(data.year)
        report.decided_at = report.decided_by_id = report.return_reason = None
    return report


async def get_readable(
    session: AsyncSession, principal: Principal, report_id: int, *, lock: bool = False
) -> UseReport:
    report = await session.scalar(repository.readable_report(principal, report_id, lock=lock))
    if report is None:
        raise NotFound(f"use report {report_id} not found")
    return report


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    year: int | None,
    product_id: int | None,
    status: UseReportStatus | None,
) -> tuple[list[UseReport], int]:
    query = repository.report_listing(principal, year, product_id, status)
    return await paginate(session, query, page)


async def _decide(
    session: AsyncSession,
    actor: Principal,
    report_id: int,
    outcome: UseReportStatus,
    reason: str | None,
) -> UseReport:
    report = await get_readable(session, actor, report_id, lock=True)
    require_state(f"use report {report_id}", report.status, UseReportStatus.SUBMITTED)
    action = "use_report.accept" if outcome is UseReportStatus.ACCEPTED else "use_report.return"
    fields = ("status", "return_reason")
    async with audited(session, actor, action, report, *fields, reason=reason):
        report.status = outcome
        report.return_reason = reason
        report.decided_at = utcnow()
        report.decided_by_id = actor.user_id
    return report


async def accept(session: AsyncSession, actor: Principal, report_id: int) -> UseReport:
    return await _decide(session, actor, report_id, UseReportStatus.ACCEPTED, None)


async def return_report(
    session: AsyncSession, actor: Principal, report_id: int, reason: str
) -> UseReport:
    return await _decide(session, actor, report_id, UseReportStatus.RETURNED, reason)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    def start(y: int) -> datetime:
        return datetime.combine(date(y, 1, 1), time(), tzinfo=public_zone()).astimezone(UTC)

    return start(year), start(year + 1)


async def missing_or_late(session: AsyncSession, product_id: int, year: int) -> list[MissingReport]:
    """Licensees of the product in ``year`` whose report is missing (none, or returned and not
    filed again) or was submitted late. "Missing" before the due date means "not yet in"."""
    start, end = _year_bounds(year)
    rows = await session.execute(repository.licensees_owing_report(product_id, start, end, year))
    listed: dict[int, MissingReport] = {}
    for licence, enterprise, report in rows:
        missing = report is None or report.status is UseReportStatus.RETURNED
        late = report is not None and report.submitted_late
        if (missing or late) and enterprise.id not in listed:
            listed[enterprise.id] = MissingReport(
                enterprise_id=enterprise.id,
                enterprise_name=enterprise.name,
                uscc=enterprise.uscc,
                licence_number=licence.number,
                status="missing" if missing or report is None else report.status.value,
                late=late or (missing and public_today() > due_date(year)),
            )
    return list(listed.values())


async def declared_use_since(session: AsyncSession, cutoff: datetime) -> set[tuple[int, int]]:
    """(enterprise, product) pairs with an accepted report declaring use in a year that ends
    after ``cutoff``: such a licence is not idle under the two-year rule."""
    year = cutoff.astimezone(public_zone()).year
    rows = await session.execute(repository.declared_use_since(year))
    return {(enterprise_id, product_id) for enterprise_id, product_id in rows}
