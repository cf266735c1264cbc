from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, str_enum
from app.core.time import utcnow


class InspectionResult(enum.StrEnum):
    PASS = "pass"  # noqa: S105 - an inspection result, not a password
    FAIL = "fail"

    @classmethod
    def of(cls, passed: bool) -> InspectionResult:
        """The result of an inspection whose items all passed (or not), see ``limits``."""
        return cls.PASS if passed else cls.FAIL


class Inspection(Base):
    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("label_batch.id"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_assignment.id"))
    sample_id: Mapped[str] = mapped_column(String(64))
    sampled_on: Mapped[date]
    sampling_place: Mapped[str] = mapped_column(String(200))
    lab: Mapped[str] = mapped_column(String(200))
    report_number: Mapped[str] = mapped_column(String(64), unique=True)
    result: Mapped[InspectionResult] = mapped_column(str_enum(InspectionResult, length=8))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class InspectionItem(Base):
    __tablename__ = "inspection_item"
    __table_args__ = (UniqueConstraint("inspection_id", "test_item_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"))
    test_item_id: Mapped[int] = mapped_column(ForeignKey("gi_test_item.id"))
    measured_value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    passed: Mapped[bool]
    # The standard's limits as they were when the sample was judged: a later edit of the
    # product's limits must not rewrite what this inspection was measured against.
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    max_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    unit: Mapped[str] = mapped_column(String(20))
    method: Mapped[str | None] = mapped_column(String(100))
    # Decimal places the lab reported the value at ("8.50" → 2); Numeric(14, 4) keeps 8.5000.
    decimals: Mapped[int | None] = mapped_column(SmallInteger)
