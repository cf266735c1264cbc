from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, str_enum
from app.core.time import utcnow


class InspectionResult(enum.StrEnum):
    PASS = "pass"  # noqa: S105 - an inspection result, not a password
    FAIL = "fail"


class PlanPopulation(enum.StrEnum):
    LICENCES = "licences"
    BATCHES = "batches"


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


class InspectionPlan(Base):
    """A 双随机 draw: the seed, algorithm, population and pool are published, so anyone can
    re-run the draw (``app.inspection.draw``) and get the same targets and inspectors."""

    __tablename__ = "inspection_plan"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"))
    population: Mapped[PlanPopulation] = mapped_column(str_enum(PlanPopulation, length=12))
    period_start: Mapped[date]
    period_end: Mapped[date]
    sample_size: Mapped[int] = mapped_column(Integer)
    sample_fraction: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    inspectors_per_target: Mapped[int] = mapped_column(Integer, default=1)
    seed: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(Text)
    # The published inputs of the draw: population keys, inspector pool, excluded pairs.
    draw_input: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InspectionAssignment(Base):
    __tablename__ = "inspection_assignment"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_plan.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("label_batch.id"), index=True)
    licence_id: Mapped[int | None] = mapped_column(ForeignKey("licence.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    # Position in the draw (targets in drawn order); None for a regulator's direct assignment.
    draw_rank: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InspectorConflict(Base):
    """An inspector who must never be assigned to this enterprise (kinship, employment …)."""

    __tablename__ = "inspector_conflict"

    inspector_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    reason: Mapped[str | None] = mapped_column(Text)
