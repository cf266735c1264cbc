from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.core.principal import Role


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 scheme name, not a secret
    expires_in: int
    refresh_token: str


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=20, max_length=200)


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    role: Role
    enterprise_id: int | None = None
    organisation_id: int | None = Field(
        default=None,
        ge=1,
        description="staff only: the organisation the account works for (an admin's defaults "
        "to the platform operator)",
    )


class OrganisationAssign(BaseModel):
    organisation_id: int = Field(ge=1)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    enterprise_id: int | None
    organisation_id: int | None
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role | None = Field(
        default=None, description="default: the creator's own role; never more than it"
    )
    enterprise_id: int | None = Field(
        default=None, description="a licensee's key acts for the licensee's own enterprise"
    )


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    role: Role
    enterprise_id: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    api_key: str = Field(description="the secret; shown only in this response")


class Me(BaseModel):
    kind: str
    id: int | None
    name: str
    role: Role
    enterprise_id: int | None
