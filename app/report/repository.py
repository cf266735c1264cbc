"""The queries of consumer reports, and the one place that scopes them: a licensee reads
only the reports about its own labels."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from app.core.pagination import Keyset
from app.core.principal import Principal
from app.report.models import ConsumerReport, ReportStatus


def readable_reports(principal: Principal) -> Select[ConsumerReport]:
    query = select(ConsumerReport)
    if principal.is_licensee:
        query = query.where(ConsumerReport.enterprise_id == principal.enterprise_id)
    return query


def readable_report(principal: Principal, report_id: int) -> Select[ConsumerReport]:
    return readable_reports(principal).where(ConsumerReport.id == report_id)


def report_listing(principal: Principal, status: ReportStatus | None) -> Select[ConsumerReport]:
    """The caller's reports, newest first, for ``paginate``."""
    query = readable_reports(principal).order_by(ConsumerReport.id.desc())
    if status is not None:
        query = query.where(ConsumerReport.status == status)
    return query


# Newest first by id (the primary key's index): the console's keyset-paged list.
NEWEST_FIRST = Keyset("reports:-id", (ConsumerReport.id,), descending=True)


def status_counts(principal: Principal) -> Select[ReportStatus, int]:
    """How many of the caller's reports are in each state."""
    scoped = readable_reports(principal).subquery()
    return select(scoped.c.status, func.count()).group_by(scoped.c.status)
