from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.core import divisions
from app.enterprise.uscc import InvalidUSCC, validate_uscc
from app.supervision.models import ProducerKind, UseReportStatus

# --- the roster ------------------------------------------------------------------------------


class RosterFields(BaseModel):
    """One roster row as a regulator types it or a file line carries it; the protected-area
    check needs the product, so the service makes it."""

    uscc: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    division_code: str = Field(description="GB/T 2260 six-digit code of a current division")
    kind: ProducerKind
    exporter: bool = False
    source: str = Field(min_length=1, max_length=200, description="e.g. 县市场监管局摸底 2026")
    on_roster: date
    closed_on: date | None = None

    @field_validator("uscc")
    @classmethod
    def _checked_uscc(cls, value: str) -> str:
        try:
            return validate_uscc(value)
        except InvalidUSCC as exc:
            raise ValueError(f"USCC {value.strip()!r}: {exc} ({exc.reason})") from exc

    @field_validator("name", "source")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("division_code")
    @classmethod
    def _current_division(cls, value: str) -> str:
        code = value.strip()
        division = divisions.get(code)
        if division is None:
            raise ValueError(f"{code!r} is not a GB/T 2260 division code")
        if division.historical:
            today = ", ".join(divisions.current_equivalents(code)) or "none"
            raise ValueError(f"{code} ({division.name}) is no longer in use; today: {today}")
        return code

    @model_validator(mode="after")
    def _closed_after_opened(self) -> Self:
        if self.closed_on is not None and self.closed_on < self.on_roster:
            raise ValueError("closed_on is before on_roster")
        return self


class RosterCreate(RosterFields):
    product_id: int


class RosterRead(RosterFields):
    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int
    enterprise_id: int | None = None  # the registered enterprise of the same USCC, if any


class ImportProblem(BaseModel):
    line: int  # as a spreadsheet numbers it: the header is line 1
    reason: str


class ImportReport(BaseModel):
    created: int
    updated: int
    unchanged: int
    skipped: int  # bad rows left out ("import the good rows")
    problems: list[ImportProblem]


# --- the use rate ----------------------------------------------------------------------------


class NonUser(BaseModel):
    uscc: str
    name: str
    division_code: str
    exporter: bool
    enterprise_id: int | None


class RateFigures(BaseModel):
    active: int
    used: int
    rate: float | None  # None when no enterprise is active: a rate of nothing is no rate


class DivisionRate(BaseModel):
    division: str  # GB/T 2260 code, one level below the one asked for
    name: str
    all: RateFigures
    exporters: RateFigures


class UseRate(BaseModel):
    product_id: int
    division: str | None
    period: str
    target: float
    all: RateFigures
    exporters: RateFigures
    meets_target: bool | None
    by_division: list[DivisionRate]  # the figures one level down (cities, or counties)
    non_users: list[NonUser]


# --- annual use reports ----------------------------------------------------------------------


class UseReportIn(BaseModel):
    product_id: int
    year: int = Field(ge=2000, le=2100)
    produced_kg: Decimal = Field(ge=0, max_digits=16, decimal_places=3)
    sold_domestic_kg: Decimal = Field(ge=0, max_digits=16, decimal_places=3)
    sold_export_kg: Decimal = Field(ge=0, max_digits=16, decimal_places=3)
    output_value_yuan: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    labels_applied: int = Field(ge=0)
    packaging_printed: int = Field(
        ge=0, description="packaging printed with the mark outside gimark"
    )
    sales_channels: str = Field(min_length=1, max_length=2000)
    authorised_shops: str = Field(max_length=4000, default="")


class UseReportRead(UseReportIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    status: UseReportStatus
    submitted_at: datetime
    submitted_late: bool
    decided_at: datetime | None
    return_reason: str | None


class ReturnReason(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class MissingReport(BaseModel):
    enterprise_id: int
    enterprise_name: str
    uscc: str
    licence_number: str | None
    status: str  # "missing", or the report's state when it was submitted late
    late: bool


# --- print runs and the ledger ---------------------------------------------------------------


class PrintRunIn(BaseModel):
    batch_id: int
    printer_name: str = Field(min_length=1, max_length=200)
    printer_uscc: str
    printed_on: date
    quantity: int = Field(gt=0)
    spoiled: int = Field(ge=0, default=0)
    destroyed: int = Field(ge=0, default=0)
    destroyed_reason: str | None = Field(default=None, max_length=2000)

    @field_validator("printer_uscc")
    @classmethod
    def _checked_uscc(cls, value: str) -> str:
        try:
            return validate_uscc(value)
        except InvalidUSCC as exc:
            raise ValueError(f"{exc} ({exc.reason})") from exc

    @model_validator(mode="after")
    def _destroyed_has_reason(self) -> Self:
        if self.destroyed and not (self.destroyed_reason or "").strip():
            raise ValueError("destroyed labels need a reason (destroyed_reason)")
        if self.spoiled + self.destroyed > self.quantity:
            raise ValueError("spoiled + destroyed exceed the quantity printed")
        return self


class PrintRunRead(PrintRunIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    product_id: int


class LedgerBatch(BaseModel):
    batch_id: int
    lot_number: str
    status: str
    requested: int
    issued: int
    printed: int
    spoiled: int
    destroyed: int
    voided: int
    revoked: int
    scans: int
    unaccounted: int  # issued labels no print run accounts for (negative: printed more)


class Ledger(BaseModel):
    enterprise_id: int
    enterprise_name: str
    uscc: str
    product_id: int
    product_name: str
    year: int | None
    batches_requested: int
    batches_approved: int
    batches_issued: int
    labels_requested: int
    labels_issued: int
    labels_printed: int
    labels_spoiled: int
    labels_destroyed: int
    labels_voided: int
    labels_revoked: int
    scans: int
    batches: list[LedgerBatch]
    print_runs: list[PrintRunRead]
    generated_at: datetime
