from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum
from app.core.time import utcnow


# new → investigating → resolved | dismissed; a new report may be dismissed at once. (A
# comment, not a docstring: the enum's docstring would become its OpenAPI description.)
class ReportStatus(enum.StrEnum):
    NEW = "new"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"

    def can_become(self, other: ReportStatus) -> bool:
        return other in _NEXT.get(self, frozenset())

    @property
    def is_closed(self) -> bool:
        """Closed for good; closing needs a reason (audited)."""
        return self in _CLOSED


_NEXT = {
    ReportStatus.NEW: frozenset({ReportStatus.INVESTIGATING, ReportStatus.DISMISSED}),
    ReportStatus.INVESTIGATING: frozenset({ReportStatus.RESOLVED, ReportStatus.DISMISSED}),
}
_CLOSED = frozenset({ReportStatus.RESOLVED, ReportStatus.DISMISSED})


class ConsumerReport(Timestamped, Base):
    __tablename__ = "consumer_report"
    # The regulator's queue: open reports, the soonest deadline (so the overdue) first.
    __table_args__ = (Index("ix_consumer_report_due_at_id", "due_at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(20), index=True)
    # Set when the code resolves to a label, so the licensee concerned can read the report.
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    what_was_seen: Mapped[str] = mapped_column(Text)
    where_bought: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_media_type: Mapped[str | None] = mapped_column(String(20))
    contact: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus), index=True)
    outcome: Mapped[str | None] = mapped_column(Text)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    revocation_id: Mapped[int | None] = mapped_column(ForeignKey("revocation.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # SHA-256 of the receipt number given to the reporter (``app.report.receipt``): the
    # number itself is never stored, so no export or database copy can open a status page.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # GB/T 2260 code of the place of purchase (optional, a current division).
    where_bought_division: Mapped[str | None] = mapped_column(String(6))
    # The jurisdiction that handles the report now (a division code until organisations land:
    # the jurisdiction helper maps it to its bureau); None = the bureau that received it.
    handling_division: Mapped[str | None] = mapped_column(String(6), index=True)
    # Statutory clocks in working days (``app.core.workdays``), counted from the day the
    # report reached its handling bureau: accept (or refuse) by ``accept_by``, finish by
    # ``finish_by``. None where the calendar did not cover the day (an admin must add it).
    received_on: Mapped[date | None] = mapped_column(Date)
    accept_by: Mapped[date | None] = mapped_column(Date)
    finish_by: Mapped[date | None] = mapped_column(Date)
    # When the clock that runs now runs out (the end of ``accept_by`` while new, of
    # ``finish_by`` while investigating, in the public zone); None once closed.
    due_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()  # accepted or refused
    closed_at: Mapped[datetime | None] = mapped_column()

    def is_overdue(self, now: datetime) -> bool:
        return self.due_at is not None and now >= self.due_at


class ReportReferral(Base):
    """One hand-over of a report to another jurisdiction; who did it is in the audit event
    (``report.refer``, same transaction)."""

    __tablename__ = "consumer_report_referral"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("consumer_report.id", ondelete="CASCADE"), index=True
    )
    from_division: Mapped[str | None] = mapped_column(String(6))
    to_division: Mapped[str] = mapped_column(String(6))
    reason: Mapped[str] = mapped_column(Text)
    referred_at: Mapped[datetime] = mapped_column(default=utcnow)
