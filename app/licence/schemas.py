from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.credit.schemas import PublicListing
from app.licence.models import Licence, LicenceStatus
from app.registry.models import LegalRoute, QuotaUnit

Reason = Field(min_length=2, max_length=2000)


class LicenceApply(BaseModel):
    product_id: int
    enterprise_id: int | None = Field(
        default=None, description="staff only; a licensee applies for itself"
    )
    production_area_mu: Decimal = Field(
        gt=0,
        max_digits=14,
        decimal_places=2,
        description="registered production in the product's quota unit: mu of land, head of "
        "livestock, …",
    )
    production_location: str = Field(min_length=2, max_length=2000)


class LicenceApprove(BaseModel):
    valid_from: date | None = Field(default=None, description="defaults to today")
    valid_until: date
    reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _order(self) -> LicenceApprove:
        if self.valid_from and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        return self


class LicenceDecision(BaseModel):
    reason: str = Reason


class LicenceEndorse(BaseModel):
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="the association's remark, e.g. the rule or meeting it admitted the member by",
    )


class LicenceWithdraw(BaseModel):
    reason: str = Reason
    legal_basis: str = Field(min_length=2, max_length=2000)
    case_number: str = Field(min_length=2, max_length=64)
    revoke_labels: bool = Field(
        default=False,
        description="also revoke every label still active; otherwise labels issued while the "
        "licence was valid stay lawful in circulation",
    )


class LicenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str | None
    enterprise_id: int
    product_id: int
    status: LicenceStatus
    stored_status: LicenceStatus
    production_area_mu: Decimal
    production_location: str
    valid_from: date | None
    valid_until: date | None
    applied_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
    endorsed_at: datetime | None = Field(
        default=None,
        description="when the mark's registrant association endorsed the application",
    )
    endorsement_note: str | None = None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    legal_basis: str | None
    case_number: str | None

    @classmethod
    def of(cls, licence: Licence) -> LicenceRead:
        """The licence as read: ``status`` is the effective one (expired past its last day),
        ``stored_status`` what the row holds."""
        data = {name: getattr(licence, name) for name in cls.model_fields if hasattr(licence, name)}
        data |= {"status": licence.effective_status(), "stored_status": licence.status}
        return cls.model_validate(data)


class WithdrawResult(BaseModel):
    licence: LicenceRead
    labels_revoked: int


class Quota(BaseModel):
    """Mass balance for one season: registered production (land or livestock, counted in the
    product's quota unit) × standard yield per unit ÷ pack size."""

    licence_id: int
    season: int
    quota_unit: QuotaUnit
    production_area_mu: Decimal = Field(description="registered production, in quota units")
    standard_yield_kg_per_mu: Decimal = Field(description="kg per quota unit")
    pack_size_kg: Decimal
    total: int
    used: int
    remaining: int


class NonUseCase(BaseModel):
    licence_id: int
    licence_number: str | None
    enterprise_id: int
    enterprise_name: str
    product_code: str
    approved_at: datetime | None
    last_issued_at: datetime | None
    last_scanned_at: datetime | None
    idle_since: datetime
    cutoff: datetime


class RegisterEntry(BaseModel):
    enterprise_name: str
    uscc: str
    product_name_zh: str
    product_name_en: str
    product_code: str
    licence_number: str | None
    route: LegalRoute
    valid_from: date | None
    valid_until: date | None
    status: LicenceStatus
    withdrawn_on: date | None
    is_demo: bool = False
    credit_listing: PublicListing | None = Field(
        default=None, description="the enterprise's listing on the credit list, while in force"
    )
