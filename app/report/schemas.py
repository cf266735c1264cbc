from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.report.models import ReportStatus


class ReportCreated(BaseModel):
    id: int
    status: ReportStatus


class ReportForLicensee(BaseModel):
    """What the licensee whose label was reported may read: the product problem, never the
    informant. No contact, no photo (its pixels can show a face or a street), no handler; free
    text has e-mail addresses and phone numbers masked (see ``app.report.redact``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str | None
    what_was_seen: str
    where_bought: str | None
    status: ReportStatus
    outcome: str | None
    inspection_id: int | None
    revocation_id: int | None
    created_at: datetime


class ReportRead(ReportForLicensee):
    """The handling bureau's view: everything the consumer gave, unmasked."""

    enterprise_id: int | None
    photo_media_type: str | None
    contact: str | None
    handled_by_id: int | None
    updated_at: datetime


class ReportTransition(BaseModel):
    status: ReportStatus
    # Why the bureau acts (audited; required to resolve or dismiss). Not shown to the licensee.
    reason: str | None = Field(default=None, max_length=2000)
    # The result as the licensee may read it.
    outcome: str | None = Field(default=None, max_length=4000)
    inspection_id: int | None = None
    revocation_id: int | None = None
