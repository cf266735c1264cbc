from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
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


class InspectionStage(enum.StrEnum):
    """Where a result stands on its way to the public (issue 14, point 3).

    A pass is final at once. A failure is ``provisional`` while the enterprise's objection
    window runs, ``objected`` once it asked for a re-test; nothing of it is public until it is
    final. A re-test decides: it is itself recorded final (and published), and the first
    result becomes ``confirmed`` (the re-test carries the final result, with both
    measurements) or ``overturned`` (void, never published).
    """

    FINAL = "final"
    PROVISIONAL = "provisional"
    OBJECTED = "objected"
    CONFIRMED = "confirmed"
    OVERTURNED = "overturned"


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
    stage: Mapped[InspectionStage] = mapped_column(
        str_enum(InspectionStage, length=12),
        default=InspectionStage.FINAL,
        server_default=InspectionStage.FINAL.value,
        index=True,
    )
    # A re-test on the retained sample names the result it decides (no foreign key: SQLite
    # cannot add one to a stored table without copying it; ``InspectionObjection.retest_id``
    # is the checked link).
    retest_of_id: Mapped[int | None] = mapped_column(BigIntPK)
    # A failing first result: the day the enterprise was notified and the last day (public
    # calendar) it may object, counted in working days (``app.core.workdays``).
    notified_on: Mapped[date | None]
    objection_deadline: Mapped[date | None]


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


class InspectionObjection(Base):
    """An enterprise's objection to a failing result, with the re-test it asks for.

    Until the organisations work lands (issue 14, point 1) a laboratory is an inspector
    account (``retest_inspector_id``) with the laboratory's name (``retest_lab``); both map
    onto an organisation of kind ``laboratory`` later.
    """

    __tablename__ = "inspection_objection"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(1000))
    retest_inspector_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    retest_lab: Mapped[str] = mapped_column(String(200))
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    retest_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))


class Notification(Base):
    """A message to an enterprise inside gimark (its licensees read them in the console and
    the API), e.g. a failing result with the deadline to object."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    message_zh: Mapped[str] = mapped_column(String(500))
    message_en: Mapped[str] = mapped_column(String(500))
    deadline: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
