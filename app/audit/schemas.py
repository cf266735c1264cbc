from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    occurred_at: datetime
    actor: str
    role: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    request_id: str | None
    prev_hash: str
    hash: str


class ChainVerification(BaseModel):
    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    first_broken_seq: int | None
    problem: str | None
    checkpoint_seq: int | None = None


class Checkpoint(BaseModel):
    seq: int
    hash: str
    taken_at: datetime
