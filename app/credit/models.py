"""The credit list (严重违法失信名单): an enterprise listed for a serious violation.

It replaces the ``credit_standing`` field that nothing acted on (migration 0029). While a
listing is in force (today within ``starts_on .. ends_on`` and not ended early) the enterprise
may not apply for a licence or request label batches; its licences and its labels' verdicts
stay as they are unless the bureau acts on them itself.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped


class CreditListing(Timestamped, Base):
    __tablename__ = "credit_listing"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    case_number: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(default=True)  # on the public credit list
    # None only for listings migrated from the old ``credit_standing`` field
    listed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    ended_at: Mapped[datetime | None]  # ended early by a regulator
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    end_reason: Mapped[str | None] = mapped_column(Text)

    def is_in_force(self, today: date) -> bool:
        return self.ended_at is None and self.starts_on <= today <= self.ends_on
