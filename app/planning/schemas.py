"""Random inspection plans (双随机), inspector conflicts and assignments: request and response
models. ``PublicPlan`` is exactly the input of ``python -m app.planning.draw``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.planning.models import PlanPopulation

# Printable ASCII without spaces: a seed must hash to the same bytes everywhere, and Unicode
# text can be normalised differently by the tools people re-run the draw with.
SEED_PATTERN = r"^[\x21-\x7e]{1,64}$"


class PlanCreate(BaseModel):
    title: str = Field(min_length=2, max_length=200)
    product_id: int
    population: PlanPopulation = Field(
        description="licences: active licences of the product valid in the period; batches: "
        "its batches issued in the period (days in the GI's time zone) and still issued or "
        "suspended"
    )
    period_start: date
    period_end: date
    sample_size: int | None = Field(default=None, ge=1, le=100_000)
    sample_fraction: Decimal | None = Field(
        default=None,
        gt=0,
        le=1,
        max_digits=5,
        decimal_places=4,
        description="instead of sample_size: draw ceil(fraction × population)",
    )
    inspector_ids: list[int] = Field(min_length=1, max_length=500, description="the pool")
    inspectors_per_target: int = Field(default=1, ge=1, le=10)
    seed: str | None = Field(
        default=None,
        pattern=SEED_PATTERN,
        description="leave empty for a random seed; a seed you give should come from a public "
        "event (a lottery result, dice thrown at an open meeting), and is published as supplied",
    )

    @model_validator(mode="after")
    def _consistent(self) -> PlanCreate:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        if (self.sample_size is None) == (self.sample_fraction is None):
            raise ValueError("give either sample_size or sample_fraction, not both")
        return self


class AssignmentRead(BaseModel):
    id: int
    plan_id: int | None
    inspector_id: int
    licence_id: int | None
    batch_id: int | None
    target: str = Field(description="the public key: licence number, or licence number/lot")
    enterprise_id: int
    enterprise_name: str
    uscc: str
    draw_rank: int | None = Field(description="position in the draw; none for a direct one")
    created_at: datetime


class PlanSummary(BaseModel):
    id: int
    title: str
    product_id: int
    population: PlanPopulation
    period_start: date
    period_end: date
    population_size: int
    sample_size: int = Field(description="targets drawn")
    sample_fraction: Decimal | None
    inspectors_per_target: int
    seed: str
    algorithm: str = Field(description="the algorithm's name; its full text is public")
    created_by_id: int | None
    created_at: datetime


class PlanRead(PlanSummary):
    assignments: list[AssignmentRead]


class PublicProduct(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name_zh: str
    name_en: str


class PublicTarget(BaseModel):
    rank: int
    key: str
    enterprise: str = Field(description="USCC")
    inspectors: list[int] = Field(description="inspector ids (see draw_input.pool), in order")


class PublicPlan(BaseModel):
    """Everything a re-run of the draw needs, and what it drew."""

    id: int
    title: str
    product: PublicProduct
    population: PlanPopulation
    period_start: date
    period_end: date
    created_at: datetime
    algorithm: str
    algorithm_text: str
    seed: str
    sample_size: int
    sample_fraction: Decimal | None
    inspectors_per_target: int
    draw_input: dict[str, Any] = Field(
        description="population [{key, enterprise}], pool [{id, name}], "
        "excluded [{inspector, enterprise}], seed_source, population_rule"
    )
    targets: list[PublicTarget]


class ConflictSet(BaseModel):
    reason: str = Field(min_length=2, max_length=2000)


class ConflictRead(BaseModel):
    inspector_id: int
    enterprise_id: int
    enterprise_name: str
    uscc: str
    reason: str | None


class ConflictSetResult(ConflictRead):
    standing_assignments: list[int] = Field(
        description="assignments of this inspector to this enterprise made before the "
        "conflict was declared: reassign them"
    )


class AssignmentCreate(BaseModel):
    inspector_id: int
    batch_id: int | None = None
    licence_id: int | None = Field(default=None, description="covers the licence's batches")

    @model_validator(mode="after")
    def _one_target(self) -> AssignmentCreate:
        if (self.batch_id is None) == (self.licence_id is None):
            raise ValueError("name either batch_id or licence_id")
        return self
