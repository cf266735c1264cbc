from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from pydantic_core import PydanticCustomError

from app.enterprise.models import CreditStanding
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
    credit_standing: CreditStanding = CreditStanding.NORMAL
    uscc: str | None = Field(
        default=None,
        description="only to correct a mistyped code; omitted, the registered code stays",
    )

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
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    credit_standing: CreditStanding
    is_demo: bool
    created_at: datetime
    updated_at: datetime
