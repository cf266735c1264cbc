from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from app.core import divisions
from app.core.time import public_date
from app.report.models import ConsumerReport, ReportStatus
from app.report.models import ReportReferral as ReferralRow


class ReportCreated(BaseModel):
    id: int
    status: ReportStatus
    # Shown once: the reporter follows the report with it at /public/reports/{receipt}.
    receipt: str
    status_url: str
    accept_by: date | None
    finish_by: date | None


class ReportForLicensee(BaseModel):
    """What the licensee whose label was reported may read: the product problem, never the
    informant. No contact, no photo (its pixels can show a face or a street), no handler; free
    text has e-mail addresses and phone numbers masked (see ``app.report.redact``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str | None
    what_was_seen: str
    where_bought: str | None
    where_bought_division: str | None
    status: ReportStatus
    outcome: str | None
    inspection_id: int | None
    revocation_id: int | None
    created_at: datetime
    # The statutory clocks (working days) and the jurisdiction handling the report now.
    handling_division: str | None
    received_on: date | None
    accept_by: date | None
    finish_by: date | None
    overdue: bool = False


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


class ReferralRequest(BaseModel):
    # GB/T 2260 code of the jurisdiction that takes the report over (e.g. the place of sale).
    to_division: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")
    # Why it is referred (audited; the reporter sees where it went, not why).
    reason: str = Field(min_length=1, max_length=2000)


class ReferralRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_division: str | None
    to_division: str
    reason: str
    referred_at: datetime


class PublicReferral(BaseModel):
    to_division: str
    to_name: str
    on: date


class PublicReportStatus(BaseModel):
    """What a receipt opens: never the contact, the photo, the text, the enterprise or
    anything about other reports."""

    status: ReportStatus
    received_on: date
    filed_on: date
    accept_by: date | None
    finish_by: date | None
    decided_on: date | None
    closed_on: date | None
    overdue: bool
    outcome: str | None
    handling_division: str | None
    referrals: list[PublicReferral]

    @classmethod
    def of(cls, report: ConsumerReport, history: list[ReferralRow], now: datetime) -> Self:
        hops = [
            PublicReferral(
                to_division=hop.to_division,
                to_name=divisions.full_name(hop.to_division),
                on=public_date(hop.referred_at),
            )
            for hop in history
        ]
        return cls(
            status=report.status,
            received_on=report.received_on or public_date(report.created_at),
            filed_on=public_date(report.created_at),
            accept_by=report.accept_by,
            finish_by=report.finish_by,
            decided_on=public_date(report.decided_at) if report.decided_at else None,
            closed_on=public_date(report.closed_at) if report.closed_at else None,
            overdue=report.is_overdue(now),
            outcome=report.outcome,
            handling_division=report.handling_division,
            referrals=hops,
        )
