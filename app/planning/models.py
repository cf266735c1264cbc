"""Plans, their drawn assignments and inspectors' conflicts of interest. The table names are
those of the time these lived in ``app.inspection``: moving the classes needed no migration."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, str_enum
from app.core.time import utcnow


class PlanPopulation(enum.StrEnum):
    LICENCES = "licences"
    BATCHES = "batches"


class InspectionPlan(Base):
    """A 双随机 draw: the seed, algorithm, population and pool are published, so anyone can
    re-run the draw (``app.planning.draw``) and get the same targets and inspectors."""

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
