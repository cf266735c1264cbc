from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from app.packing.models import PackageKind

MAX_CODES = 10_000  # codes per call: a packing line's batch of scans
MAX_SERIAL = 2_147_483_647  # label.serial is a 32-bit integer
PackageCode = Field(min_length=1, max_length=32, description="an SSCC (18 digits) or a gimark code")


class ActivationRequest(BaseModel):
    """Exactly one target: a scanned list of label codes, a serial range of one batch, or a
    carton or pallet (its units)."""

    codes: list[str] | None = Field(default=None, min_length=1, max_length=MAX_CODES)
    batch_id: int | None = Field(default=None, ge=1)
    first_serial: int | None = Field(default=None, ge=1, le=MAX_SERIAL)
    last_serial: int | None = Field(default=None, ge=1, le=MAX_SERIAL)
    package: str | None = Field(
        default=None, min_length=1, max_length=32, description="a carton's or pallet's code"
    )

    @model_validator(mode="after")
    def _one_target(self) -> ActivationRequest:
        ranged = (self.batch_id, self.first_serial, self.last_serial)
        targets = [self.codes is not None, any(v is not None for v in ranged)]
        targets.append(self.package is not None)
        if sum(targets) != 1:
            raise ValueError("name one target: codes, a serial range, or a package")
        if targets[1]:
            if None in ranged:
                raise ValueError("a serial range names batch_id, first_serial and last_serial")
            first, last = self.first_serial or 0, self.last_serial or 0
            if last < first:
                raise ValueError("last_serial is before first_serial")
            if last - first >= 1_000_000:
                raise ValueError("a range covers at most 1,000,000 serials per call")
        return self


class DeactivationRequest(ActivationRequest):
    reason: str = Field(min_length=2, max_length=500)


class RefusedCode(BaseModel):
    code: str
    reason: str


class SerialRange(BaseModel):
    batch_id: int
    first_serial: int
    last_serial: int
    count: int


class ActivationResult(BaseModel):
    requested: int = Field(description="codes asked for (labels selected by a range/package)")
    changed: int = Field(description="activated (deactivated) by this call")
    unchanged: int = Field(description="already active (already inactive): nothing to do")
    refused: dict[str, int] = Field(
        description="refused codes by reason: unknown, malformed, void, revoked, "
        "batch_<status>, activation_not_required"
    )
    refused_codes: list[RefusedCode] = Field(description="the first 100 refused codes")
    ranges: list[SerialRange] = Field(description="what this call switched, per batch")


class PackageCreate(BaseModel):
    kind: PackageKind
    code: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        description="the SSCC printed on it; omit to have a gimark code minted",
    )


class PackageRead(BaseModel):
    id: int
    code: str
    kind: PackageKind
    enterprise_id: int
    parent: str | None = Field(description="the pallet a carton is on")
    created_at: datetime
    units: int = Field(description="labels in it (a pallet: in its cartons)")
    cartons: int = Field(description="cartons on it (a pallet)")
    statuses: dict[str, int] = Field(description="its units' label statuses, counted")


class PackRequest(BaseModel):
    """Units (label codes) into a carton, or cartons (their codes) onto a pallet."""

    codes: list[str] = Field(min_length=1, max_length=MAX_CODES)


class UnpackRequest(BaseModel):
    codes: list[str] | None = Field(default=None, min_length=1, max_length=MAX_CODES)
    everything: bool = Field(default=False, description="empty it whole")

    @model_validator(mode="after")
    def _one(self) -> UnpackRequest:
        if (self.codes is None) == (not self.everything):
            raise ValueError("name the codes to take out, or everything=true")
        return self


class PackResult(BaseModel):
    package: str
    changed: int = Field(description="packed (taken out) by this call")
    unchanged: int = Field(description="already in it (already out of it)")
    refused: dict[str, int]
    refused_codes: list[RefusedCode]


Direction = Literal["pack", "unpack"]
