"""The queries of consumer reports, and the one place that scopes them: a licensee reads
only the reports about its own labels."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select

from app.core.pagination import Keyset
from app.core.principal import Principal
from app.core.search import contains_text
from app.enterprise.models import Enterprise
from app.report.models import ConsumerReport, ReportStatus


def readable_reports(principal: Principal) -> Select[ConsumerReport]:
    query = select(ConsumerReport)
    if principal.is_licensee:
        query = query.where(ConsumerReport.enterprise_id == principal.enterprise_id)
    return query


def readable_report(principal: Principal, report_id: int) -> Select[ConsumerReport]:
    return readable_reports(principal).where(ConsumerReport.id == report_id)


def report_listing(
    principal: Principal, status: ReportStatus | None, q: str | None = None
) -> Select[ConsumerReport]:
    """The caller's reports, newest first, for ``paginate``; ``q`` as :func:`report_matches`."""
    query = readable_reports(principal).order_by(ConsumerReport.id.desc())
    if status is not None:
        query = query.where(ConsumerReport.status == status)
    if q and q.strip():
        query = query.where(report_matches(principal, q.strip()))
    return query


def report_matches(principal: Principal, text: str) -> ColumnElement[bool]:
    """A substring of the label code or the enterprise's name or USCC; for the bureau also of
    what the consumer wrote. Never the free text for a licensee: it reads that text with phone
    numbers and e-mail addresses masked, and a search matching the unmasked text would let it
    guess them digit by digit."""
    enterprises = select(Enterprise.id).where(
        or_(contains_text(Enterprise.name, text), contains_text(Enterprise.uscc, text))
    )
    code = "".join(text.upper().replace("-", "").split()) or text
    matches = [
        contains_text(ConsumerReport.code, code),
        ConsumerReport.enterprise_id.in_(enterprises),
    ]
    if not principal.is_licensee:
        matches += [
            contains_text(ConsumerReport.what_was_seen, text),
            contains_text(ConsumerReport.where_bought, text),
        ]
    return or_(*matches)


# By id (the primary key's index), newest first by default: the console's keyset-paged list.
REPORT_ORDERS = {
    "-id": Keyset("reports:-id", (ConsumerReport.id,), descending=True),
    "id": Keyset("reports:id", (ConsumerReport.id,), descending=False),
}


def status_counts(principal: Principal) -> Select[ReportStatus, int]:
    """How many of the caller's reports are in each state."""
    scoped = readable_reports(principal).subquery()
    return select(scoped.c.status, func.count()).group_by(scoped.c.status)
