from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum


class LicenceStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    # Never stored: an active licence past ``valid_until`` reads as expired (no scheduled job).
    EXPIRED = "expired"


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
