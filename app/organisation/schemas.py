from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from app.core import divisions
from app.core.principal import OrgKind


class OrganisationFields(BaseModel):
    name_zh: str = Field(min_length=2, max_length=200)
    name_en: str = Field(default="", max_length=200)
    kind: OrgKind
    division_code: str = Field(
        pattern=r"^[0-9]{6}$",
        description="GB/T 2260, current: 150000 region, 150800 city, 150821 county; the "
        "organisation acts on enterprises of this division and below",
    )
    accreditation_number: str | None = Field(
        default=None, max_length=60, description="a laboratory's CMA/CNAS certificate number"
    )
    accreditation_scope: str | None = Field(default=None, max_length=2000)

    @field_validator("division_code")
    @classmethod
    def _current_division(cls, value: str) -> str:
        found = divisions.get(value)
        if found is None or not found.current:
            raise PydanticCustomError(
                "division_code", "{code} is not a current GB/T 2260 division code", {"code": value}
            )
        return value

    @model_validator(mode="after")
    def _accredited_laboratory(self) -> OrganisationFields:
        if self.kind is OrgKind.LABORATORY and not self.accreditation_number:
            raise ValueError("a laboratory records its accreditation number (CMA/CNAS)")
        return self


class OrganisationRead(OrganisationFields):
    model_config = ConfigDict(from_attributes=True)

    id: int
    division_name: str = ""
    members: int = 0
    created_at: datetime
    updated_at: datetime
