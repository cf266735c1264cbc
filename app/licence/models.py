"""The licence and its status rules.

Expiry is never stored: an active licence whose ``valid_until`` has passed reads as expired, with
no scheduled job to flip it. "Passed" is a calendar day in the GI's zone (a licence valid until
30 Nov is in force all of 30 Nov in Wuyuan), so both forms of the rule take ``today`` from
:func:`app.core.time.public_today`. The Python form (:meth:`LicenceStatus.effective`) and the SQL
form (:meth:`Licence.expired_sql` and friends) are written here and nowhere else.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, ForeignKey, Numeric, String, Text, and_, case, or_
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum
from app.core.time import public_today


class LicenceStatus(enum.StrEnum):
    PENDING = "pending"
    # A collective or certification mark's application its registrant association endorsed;
    # the bureau confirms it (-> active) or refuses it (DESIGN §3, issue 14.2).
    ENDORSED = "endorsed"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    # Never stored: an active licence past ``valid_until`` reads as expired (no scheduled job).
    EXPIRED = "expired"

    @classmethod
    def open(cls) -> frozenset[LicenceStatus]:
        """An application or licence still open: a second one for the same pair is refused."""
        return _OPEN

    @classmethod
    def undecided(cls) -> frozenset[LicenceStatus]:
        """Applications awaiting the bureau's decision (endorsed ones included)."""
        return _UNDECIDED

    @classmethod
    def listed(cls) -> frozenset[LicenceStatus]:
        """Stored states the public register shows: applications in progress or refused are
        not the public's business; exits stay listed."""
        return _LISTED

    @classmethod
    def forbidding_use(cls) -> frozenset[LicenceStatus]:
        """Effective states under which the mark may not be used any more (so nothing is
        printed); an expired licence still prints what it issued while valid."""
        return _FORBIDDING_USE

    @classmethod
    def effective(
        cls, stored: str, valid_until: date | None, today: date | None = None
    ) -> LicenceStatus:
        """The status a reader sees: ``stored``, except an active licence past its last day."""
        status = cls(stored)
        if status is cls.ACTIVE and _past(valid_until, today or public_today()):
            return cls.EXPIRED
        return status


_UNDECIDED = frozenset({LicenceStatus.PENDING, LicenceStatus.ENDORSED})
_OPEN = _UNDECIDED | {LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED}
_LISTED = frozenset({LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED, LicenceStatus.WITHDRAWN})
_FORBIDDING_USE = frozenset({LicenceStatus.SUSPENDED, LicenceStatus.WITHDRAWN})


def _past(valid_until: date | None, today: date) -> bool:
    return valid_until is not None and valid_until < today


class Licence(Timestamped, Base):
    __tablename__ = "licence"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), index=True)
    status: Mapped[LicenceStatus] = mapped_column(str_enum(LicenceStatus), index=True)
    production_area_mu: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    production_location: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    applied_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(64))
    # A collective or certification mark's registrant association endorsed the application
    # (issue 14.2): the bureau approves only what the mark's owner has admitted under its rules.
    endorsed_at: Mapped[datetime | None]
    endorsed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    endorsement_note: Mapped[str | None] = mapped_column(Text)
    # This licensee's labels need activation even where the product does not require it.
    requires_activation: Mapped[bool] = mapped_column(default=False)

    def effective_status(self, today: date | None = None) -> LicenceStatus:
        return LicenceStatus.effective(self.status, self.valid_until, today)

    @classmethod
    def expired_sql(cls, today: date | None = None) -> ColumnElement[bool]:
        """SQL twin of ``effective_status(today) is EXPIRED``."""
        today = today or public_today()
        return and_(
            cls.status == LicenceStatus.ACTIVE,
            cls.valid_until.is_not(None),
            cls.valid_until < today,
        )

    @classmethod
    def in_force_sql(cls, today: date | None = None) -> ColumnElement[bool]:
        """SQL twin of ``effective_status(today) is ACTIVE`` (no end date: in force)."""
        today = today or public_today()
        return and_(
            cls.status == LicenceStatus.ACTIVE,
            or_(cls.valid_until.is_(None), cls.valid_until >= today),
        )

    @classmethod
    def effective_status_sql(cls, today: date | None = None) -> ColumnElement[str]:
        """SQL twin of :meth:`effective_status`, for a query that selects or groups by it."""
        return case((cls.expired_sql(today), LicenceStatus.EXPIRED.value), else_=cls.status)

    @classmethod
    def effective_status_is(
        cls, status: LicenceStatus, today: date | None = None
    ) -> ColumnElement[bool]:
        """SQL filter "reads as ``status``" (the licence list's ``?status=``)."""
        if status is LicenceStatus.EXPIRED:
            return cls.expired_sql(today)
        if status is LicenceStatus.ACTIVE:
            return cls.in_force_sql(today)
        return cls.status == status
