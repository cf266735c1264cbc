from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from pydantic_core import PydanticCustomError

from app.core import divisions
from app.enterprise.uscc import InvalidUSCC, validate_uscc


class ContactUpdate(BaseModel):
    """What a licensee may change about its own enterprise."""

    contact_name: str | None = Field(default=None, max_length=100)
    contact_phone: str | None = Field(default=None, max_length=40, pattern=r"^[0-9+\- ()]{5,40}$")
    contact_email: EmailStr | None = None


def checked_uscc(value: str) -> str:
    """The whole GB 32100 structure; the error's type and message name the part that is wrong."""
    try:
        return validate_uscc(value)
    except InvalidUSCC as exc:
        raise PydanticCustomError(
            f"uscc_{exc.reason}",
            "invalid USCC ({part}): {detail}",
            {"part": exc.reason, "detail": str(exc)},
        ) from exc


class EnterpriseUpdate(ContactUpdate):
    name: str = Field(min_length=2, max_length=200)
    address: str = Field(min_length=2, max_length=500)
    region: str = Field(min_length=2, max_length=100)
    uscc: str | None = Field(
        default=None,
        description="only to correct a mistyped code; omitted, the registered code stays",
    )
    division_code: str | None = Field(
        default=None,
        pattern=r"^[0-9]{6}$",
        description=(
            "GB/T 2260 county (or city) of the registered address; the bureaus of this division "
            "and above supervise the enterprise. Omitted: kept on an update; on registration, "
            "the current division of the USCC's registration office (characters 3–8)"
        ),
    )

    @field_validator("division_code")
    @classmethod
    def _current_division(cls, value: str | None) -> str | None:
        if value is None:
            return None
        found = divisions.get(value)
        if found is None or not found.current:
            raise PydanticCustomError(
                "division_code", "{code} is not a current GB/T 2260 division code", {"code": value}
            )
        return value

    @field_validator("uscc")
    @classmethod
    def _valid_uscc(cls, value: str | None) -> str | None:
        return None if value is None else checked_uscc(value)


class EnterpriseCreate(EnterpriseUpdate):
    uscc: str = Field(description="unified social credit code, GB 32100-2015")


class EnterpriseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    uscc: str
    address: str
    region: str
    division_code: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    is_demo: bool
    created_at: datetime
    updated_at: datetime
