from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum


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
