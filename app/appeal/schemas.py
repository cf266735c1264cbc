from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.appeals import LITIGATION_BASIS, REVIEW_BASIS


class AppealRightRead(BaseModel):
    """The right to appeal one adverse act: administrative review (行政复议) by ``review_by``,
    an administrative suit (行政诉讼) by ``litigation_by``."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    action: str = Field(description="the adverse act, as audited: licence.suspend, credit.list …")
    object_type: str
    object_id: int
    acted_at: datetime
    acted_on: date
    reason: str | None
    review_by: date
    review_basis: str = REVIEW_BASIS
    litigation_by: date
    litigation_basis: str = LITIGATION_BASIS
