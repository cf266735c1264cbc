from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Years a listing may name (the fuzzer and a mistyped year alike stay in range).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


class CreditListingCreate(BaseModel):
    enterprise_id: int = Field(ge=1, le=2**63 - 1)
    reason: str = Field(min_length=2, max_length=2000, description="the serious violation")
    legal_basis: str = Field(min_length=2, max_length=2000)
    case_number: str = Field(min_length=1, max_length=64)
    starts_on: date = Field(ge=FIRST_DAY, le=LAST_DAY)
    ends_on: date = Field(ge=FIRST_DAY, le=LAST_DAY, description="listed to the end of this day")
    published: bool = Field(default=True, description="shown on the public credit list")

    @model_validator(mode="after")
    def _ends_after_start(self) -> CreditListingCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


class CreditListingEnd(BaseModel):
    reason: str = Field(min_length=2, max_length=2000, description="why it ends early")


class CreditListingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    reason: str
    legal_basis: str
    case_number: str
    starts_on: date
    ends_on: date
    published: bool
    listed_by_id: int | None
    created_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    in_force: bool = False


class PublicListing(BaseModel):
    """What the public register and the public credit list show of a listing."""

    reason: str
    legal_basis: str
    case_number: str
    starts_on: date
    ends_on: date


class PublicCreditEntry(PublicListing):
    enterprise_name: str
    uscc: str
    is_demo: bool
