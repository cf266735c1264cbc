"""The queries of consumer reports, and the one place that scopes them: a licensee reads
only the reports about its own labels."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select

from app.core.pagination import Keyset
from app.core.principal import Principal
from app.core.search import contains_text
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.report.models import ConsumerReport, ReportReferral, ReportStatus


def readable_reports(principal: Principal) -> Select[ConsumerReport]:
    query = select(ConsumerReport)
    if principal.is_licensee:
        query = query.where(ConsumerReport.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        prefix = principal.jurisdiction or ""
        # Before any referral the bureau of the enterprise reported handles it; a report naming
        # no enterprise (a code gimark never issued) is every bureau's lead. After a referral
        # the receiving bureau handles it, and a bureau that referred it keeps reading it for
        # the outcome.
        unreferred = ConsumerReport.handling_division.is_(None) & or_(
            ConsumerReport.enterprise_id.is_(None), ConsumerReport.enterprise_id.in_(reach)
        )
        referred_here = ConsumerReport.handling_division.startswith(prefix)
        referred_from_here = ConsumerReport.id.in_(
            select(ReportReferral.report_id).where(ReportReferral.from_division.startswith(prefix))
        )
        query = query.where(or_(unreferred, referred_here, referred_from_here))
    return query


def readable_report(principal: Principal, report_id: int) -> Select[ConsumerReport]:
    return readable_reports(principal).where(ConsumerReport.id == report_id)


def report_listing(
    principal: Principal,
    status: ReportStatus | None,
    q: str | None = None,
    sort: str = "-id",
) -> Select[ConsumerReport]:
    """The caller's reports for ``paginate``, newest first; ``q`` as :func:`report_matches`.
    ``sort="due"`` is the work queue: open reports only, the soonest deadline (so every
    overdue one) first; reports without a computed deadline come after them, oldest first."""
    query = readable_reports(principal).order_by(ConsumerReport.id.desc())
    if sort == "due":
        query = (
            readable_reports(principal)
            .where(ConsumerReport.status.in_([ReportStatus.NEW, ReportStatus.INVESTIGATING]))
            .order_by(ConsumerReport.due_at.is_(None), ConsumerReport.due_at, ConsumerReport.id)
        )
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
# "due": the queue (``sort="due"`` of :func:`report_listing`, restricted to open reports with a
# deadline), by the (due_at, id) index: the soonest deadline, so the overdue, first.
REPORT_ORDERS = {
    "due": Keyset("reports:due", (ConsumerReport.due_at, ConsumerReport.id), descending=False),
    "-id": Keyset("reports:-id", (ConsumerReport.id,), descending=True),
    "id": Keyset("reports:id", (ConsumerReport.id,), descending=False),
}


def status_counts(principal: Principal) -> Select[ReportStatus, int]:
    """How many of the caller's reports are in each state."""
    scoped = readable_reports(principal).subquery()
    return select(scoped.c.status, func.count()).group_by(scoped.c.status)


def by_receipt(receipt_hash: str) -> Select[ConsumerReport]:
    """The report a receipt opens (public: no principal, the receipt is the key)."""
    return select(ConsumerReport).where(ConsumerReport.receipt_hash == receipt_hash)


def referrals_of(report_id: int) -> Select[ReportReferral]:
    return (
        select(ReportReferral)
        .where(ReportReferral.report_id == report_id)
        .order_by(ReportReferral.referred_at, ReportReferral.id)
    )


def has_deadline() -> ColumnElement[bool]:
    return ConsumerReport.due_at.is_not(None)
