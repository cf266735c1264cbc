from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.revocation.models import RevocationScope


class Grounds(BaseModel):
    """What every revocation must state (DESIGN §3)."""

    reason: str = Field(min_length=2, max_length=2000)
    legal_basis: str = Field(min_length=2, max_length=2000)
    case_number: str = Field(min_length=1, max_length=64)


class RevocationCreate(Grounds):
    scope: Literal["batch", "labels"] = Field(
        description="a whole batch, or single labels by code (a licence's labels are revoked "
        "with its withdrawal)"
    )
    batch_id: int | None = None
    codes: list[str] | None = Field(default=None, min_length=1, max_length=10_000)
    package: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        description="with scope labels: a carton's or pallet's code, for every unit in it",
    )

    @model_validator(mode="after")
    def _target_matches_scope(self) -> RevocationCreate:
        if RevocationScope(self.scope) is RevocationScope.BATCH and (
            self.batch_id is None or self.codes or self.package
        ):
            raise ValueError("a batch revocation names batch_id and no codes")
        if RevocationScope(self.scope) is RevocationScope.LABELS and (
            (not self.codes) == (not self.package) or self.batch_id is not None
        ):
            raise ValueError("a label revocation lists codes or names a package, and no batch_id")
        return self


class Reversal(BaseModel):
    reason: str = Field(min_length=2, max_length=2000)


class RevocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    scope: RevocationScope
    licence_id: int | None
    batch_id: int | None
    enterprise_id: int
    label_count: int
    reason: str
    legal_basis: str
    case_number: str
    revoked_by_id: int | None
    revoked_at: datetime
    reversed_at: datetime | None
    reversal_reason: str | None
