from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.report.models import ReportStatus


class ReportCreated(BaseModel):
    id: int
    status: ReportStatus


class ReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str | None
    enterprise_id: int | None
    what_was_seen: str
    where_bought: str | None
    photo_media_type: str | None
    contact: str | None
    status: ReportStatus
    outcome: str | None
    inspection_id: int | None
    revocation_id: int | None
    created_at: datetime
    updated_at: datetime


class ReportTransition(BaseModel):
    status: ReportStatus
    outcome: str | None = Field(default=None, max_length=4000)
    inspection_id: int | None = None
    revocation_id: int | None = None
