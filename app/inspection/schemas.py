from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from app.core.time import public_today
from app.inspection import limits as judging
from app.inspection.models import InspectionResult, InspectionStage


class MeasuredItem(BaseModel):
    item: str = Field(min_length=1, max_length=40, description="the test item's code")
    value: Decimal = Field(max_digits=14, decimal_places=4)


def one_value_per_item(items: list[MeasuredItem]) -> list[MeasuredItem]:
    counts = Counter(m.item for m in items)
    repeated = [code for code, n in counts.items() if n > 1]
    if repeated:
        raise ValueError(f"one value per test item; repeated: {', '.join(sorted(repeated))}")
    return items


class InspectionCreate(BaseModel):
    batch_id: int
    sample_id: str = Field(min_length=1, max_length=64)
    sampled_on: date
    sampling_place: str = Field(min_length=2, max_length=200)
    lab: str = Field(min_length=2, max_length=200)
    report_number: str = Field(min_length=1, max_length=64)
    inspector_id: int | None = Field(
        default=None, description="the inspector who took the sample (staff recording for one)"
    )
    items: list[MeasuredItem] = Field(min_length=1, max_length=100)

    @field_validator("sampled_on")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > public_today():
            raise ValueError("the sampling date is in the future")
        return value

    @field_validator("items")
    @classmethod
    def _one_value_per_item(cls, items: list[MeasuredItem]) -> list[MeasuredItem]:
        return one_value_per_item(items)


class ItemResultRead(BaseModel):
    """A measured item with the limits it was judged against, as stored when recorded."""

    item: str
    name_zh: str
    name_en: str
    unit: str
    value: Decimal
    min_value: Decimal | None
    max_value: Decimal | None
    method: str | None = None
    decimals: int | None = Field(default=None, description="places the lab reported at")
    passed: bool

    @property
    def _places(self) -> int:
        return judging.places(self.value, self.min_value, self.max_value, reported=self.decimals)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def measured(self) -> str:
        """The value as a person reads it, e.g. "8.5 %"."""
        return judging.value_text(self.value, self._places, self.unit)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def limits(self) -> str:
        """The limits as a person reads them, e.g. "≤ 9.0 %", "2.0–9.0 mm"."""
        return judging.limits_text(self.min_value, self.max_value, self.unit, self._places)


class InspectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    batch_id: int
    inspector_id: int | None
    assignment_id: int | None
    sample_id: str
    sampled_on: date
    sampling_place: str
    lab: str
    report_number: str
    result: InspectionResult
    recorded_by_id: int | None
    recorded_at: datetime
    stage: InspectionStage = Field(
        default=InspectionStage.FINAL,
        description="final (published), provisional (a failure in its objection window), "
        "objected (re-test awaited), confirmed or overturned (by the re-test)",
    )
    retest_of_id: int | None = None
    notified_on: date | None = None
    objection_deadline: date | None = Field(
        default=None, description="last day (inclusive) the enterprise may object"
    )
    items: list[ItemResultRead] = []
    batch_status: str | None = Field(default=None, description="the batch's standing afterwards")


class CoverageBatch(BaseModel):
    batch_id: int
    lot_number: str
    enterprise_name: str
    uscc: str
    product_code: str
    issued_at: datetime | None
    status: str
    latest_result: InspectionResult | None


class CoverageEnterprise(BaseModel):
    enterprise_id: int
    name: str
    uscc: str


class CoverageReport(BaseModel):
    year: int
    product_id: int | None
    batches_issued: int
    batches_without_pass: list[CoverageBatch]
    enterprises_licensed: int
    enterprises_not_sampled: list[CoverageEnterprise]


class ObjectionCreate(BaseModel):
    reason: str = Field(min_length=2, max_length=1000)
    retest_inspector_id: int = Field(
        ge=1, description="the re-test laboratory's inspector (GET …/retest-laboratories)"
    )
    retest_lab: str | None = Field(
        default=None,
        min_length=2,
        max_length=200,
        description="ignored: the re-test laboratory is named by its organisation's register "
        "entry (kept so that older clients sending it are not refused)",
    )


class ObjectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    inspection_id: int
    reason: str
    retest_inspector_id: int
    retest_lab: str
    filed_by_id: int | None
    filed_at: datetime
    retest_id: int | None


class ObjectionListed(ObjectionRead):
    """An objection with the result it contests (for the licensee's, inspector's and
    regulator's lists)."""

    batch_id: int
    lot_number: str
    report_number: str
    sample_id: str
    sampled_on: date
    stage: InspectionStage
    objection_deadline: date | None


class RetestLaboratory(BaseModel):
    """An accredited laboratory the re-test may go to, by one of its inspectors."""

    inspector_id: int
    name: str = Field(description="the laboratory organisation's name")
    inspector: str | None = Field(default=None, description="the inspector's name")
    accreditation_number: str | None = None


class RetestCreate(BaseModel):
    """A re-test on the retained sample of the contested result (same sample, other lab)."""

    report_number: str = Field(min_length=1, max_length=64)
    items: list[MeasuredItem] = Field(min_length=1, max_length=100)

    @field_validator("items")
    @classmethod
    def _one_value_per_item(cls, items: list[MeasuredItem]) -> list[MeasuredItem]:
        return one_value_per_item(items)


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    kind: str
    subject_type: str
    subject_id: int
    message_zh: str
    message_en: str
    deadline: date | None
    created_at: datetime


class WindowListed(BaseModel):
    """A failing result not yet final, for the regulator's queue."""

    inspection_id: int
    batch_id: int
    lot_number: str
    enterprise_name: str
    report_number: str
    stage: InspectionStage
    notified_on: date | None
    objection_deadline: date | None
