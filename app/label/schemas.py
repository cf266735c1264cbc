from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.core.time import public_today
from app.label.models import BatchStatus, LabelStatus
from app.origin.schemas import PublicOrigin, SourceDraw


class BatchRequest(BaseModel):
    licence_id: int
    lot_number: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-/]+$")
    quantity: int = Field(gt=0, le=10_000_000)
    unit: str = Field(
        min_length=1, max_length=40, description="what one label goes on, e.g. 袋 0.5 kg"
    )
    production_date: date
    origin: str = Field(min_length=2, max_length=500, description="where in the protected area")
    item_id: int | None = Field(
        default=None,
        description="the enterprise's trade item the batch packs (its GTIN goes into GS1 "
        "Digital Links to the labels)",
    )
    sources: list[SourceDraw] | None = Field(
        default=None,
        max_length=200,
        description="the harvests and purchases the lot drew on, with the kg of raw material "
        "drawn from each: the lot may claim at most their sum × the product's processing "
        "factor (mass balance). Required where the GI product requires origin records",
    )

    @field_validator("production_date")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > public_today():
            raise ValueError("the production date is in the future")
        return value


class BatchDecision(BaseModel):
    reason: str = Field(min_length=2, max_length=2000)


class BatchApprove(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)
    issue: bool = Field(default=True, description="issue the codes in the same step")


class BatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    licence_id: int
    enterprise_id: int
    product_id: int
    item_id: int | None = None
    lot_number: str
    quantity: int
    unit: str
    production_date: date
    origin: str
    origin_public: list[PublicOrigin] | None = Field(
        default=None,
        description="where the lot's raw material grew, as the verify page shows it",
    )
    season: int
    status: BatchStatus
    decision_reason: str | None
    decided_at: datetime | None
    issued_at: datetime | None
    created_at: datetime


class Reconciliation(BaseModel):
    batch_id: int
    batch_status: BatchStatus = Field(
        description="the batch's standing: a suspended, recalled or revoked batch is out of "
        "the public's trust whatever its labels' own status"
    )
    issued: int
    active: int
    inactive: int = Field(
        default=0, description="printed, awaiting activation on the packing line (issue 15)"
    )
    voided: int
    voided_replaced: int = Field(
        description="voided labels a replacement batch has been requested for (issue 12)"
    )
    revoked: int
    scanned_at_least_once: int


class VoidRequest(BaseModel):
    codes: list[str] = Field(min_length=1, max_length=10_000)
    reason: str = Field(min_length=2, max_length=500)


class UndoVoidRequest(BaseModel):
    codes: list[str] = Field(min_length=1, max_length=10_000)


class LabelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    grouped_code: str
    batch_id: int
    serial: int
    status: LabelStatus
    status_changed_at: datetime | None
    status_reason: str | None
    url: str


class LabelsChanged(BaseModel):
    changed: list[str]


class StandingChange(BaseModel):
    reason: str = Field(min_length=2, max_length=2000)
    legal_basis: str | None = Field(default=None, max_length=2000)
    case_number: str | None = Field(default=None, max_length=64)


class RecallRequest(BaseModel):
    """A recall is a public sanction: it names its legal basis and cites what caused it."""

    reason: str = Field(min_length=2, max_length=2000)
    legal_basis: str = Field(
        min_length=2, max_length=2000, description="the provision the recall rests on"
    )
    inspection_id: int | None = Field(
        default=None, description="a failing inspection of this batch that caused the recall"
    )
    report_id: int | None = Field(
        default=None, description="the consumer report that caused the recall"
    )
    case_number: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _cites_a_cause(self) -> RecallRequest:
        if self.inspection_id is None and self.report_id is None and not self.case_number:
            raise ValueError(
                "a recall must cite its cause: inspection_id (a failing inspection of this "
                "batch), report_id (a consumer report) or case_number"
            )
        return self


class BatchMeasureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    batch_id: int
    kind: str
    inspection_id: int | None
    report_id: int | None
    reason: str
    legal_basis: str | None
    case_number: str | None
    acted_by_id: int | None
    acted_at: datetime


class ReplacementRequest(BaseModel):
    """Which voided labels of the batch to replace: ``codes``, or ``all_voided`` (every voided
    label of the batch not replaced yet). The new batch takes the original's licence, unit,
    production date and origin; its lot is ``lot_number`` or the original's with ``-R1``,
    ``-R2`` … appended."""

    codes: list[str] | None = Field(default=None, min_length=1, max_length=10_000)
    all_voided: bool = False
    lot_number: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-/]+$"
    )

    @model_validator(mode="after")
    def _names_the_labels_once(self) -> ReplacementRequest:
        if (self.codes is None) == (not self.all_voided):
            raise ValueError("name the voided labels: either codes or all_voided, not both")
        return self


class ReplacementBatch(BaseModel):
    """A batch on one side of a replacement, and how many codes the link covers."""

    batch_id: int
    lot_number: str
    status: BatchStatus
    count: int


class Replacements(BaseModel):
    """What a batch replaces (if it is a replacement) and what replaces its voided labels."""

    batch_id: int
    replaces: ReplacementBatch | None
    replaced_codes: list[str] = Field(description="the voided codes this batch replaces")
    replaced_by: list[ReplacementBatch]
    voided_not_replaced: int


class IssueQueued(BaseModel):
    """A batch too large to issue within the request (``issue_in_job_from`` labels or more):
    the job that issues it. Poll ``job_url`` until it has succeeded; ``batch_url`` then reads
    the batch issued."""

    job_id: int
    job_status: str
    job_url: str
    batch_url: str
