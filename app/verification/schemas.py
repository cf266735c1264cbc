from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.verification.verdicts import Verdict


class ProductInfo(BaseModel):
    code: str
    name_zh: str
    name_en: str
    legal_line: str


class EnterpriseInfo(BaseModel):
    name: str
    uscc: str


class InspectionInfo(BaseModel):
    result: str
    sampled_on: date
    report_number: str


class OriginInfo(BaseModel):
    """Where the lot's raw material grew: county, township and harvest year (never a grower)."""

    county: str
    township: str
    harvest_year: int


class CheckHistory(BaseModel):
    times_checked_before: int
    first_checked_at: datetime | None


class PackageContents(BaseModel):
    """A carton's or pallet's scan: what is in it, by its units' verdicts (issue 15)."""

    code: str
    kind: str = Field(description="carton or pallet")
    units: int
    verdicts: dict[str, int] = Field(description="its units' verdicts, counted")


class VerifyResponse(BaseModel):
    """The public verdict; beyond ``unknown``/``malformed`` it names the label's product."""

    code: str
    grouped_code: str
    verdict: Verdict
    trustworthy: bool
    headline: str
    reason: str
    next_step: str
    report_url: str
    notice_url: str | None = Field(
        default=None,
        description="the public notice behind a recall, revocation, suspension "
        "or licence withdrawal",
    )
    product: ProductInfo | None = None
    enterprise: EnterpriseInfo | None = None
    lot_number: str | None = None
    production_date: date | None = None
    origin: list[OriginInfo] | None = Field(
        default=None,
        description="where the lot's raw material grew (county, township, harvest year), "
        "where the lot named its sources",
    )
    licence_number: str | None = None
    licence_status: str | None = None
    latest_inspection: InspectionInfo | None = None
    history: CheckHistory | None = None
    package: PackageContents | None = Field(
        default=None,
        description="set when the code is a carton's or pallet's (an SSCC or a gimark code): "
        "the verdict is then the gravest of its units'",
    )
    is_demo: bool = Field(
        default=False, description="the label belongs to demo data, not a real licensee"
    )
    as_of: datetime | None = Field(
        default=None,
        description="set only while the database cannot be reached: the verdict is the one this "
        "server last read, as it stood at this time, from before the outage",
    )


class LocationShare(BaseModel):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class SuspiciousCode(BaseModel):
    code: str
    reason: str
    evidence: dict[str, object]
    flagged_at: datetime
    scan_count: int
    batch_id: int
    enterprise_id: int


class ScanForLicensee(BaseModel):
    """A scan of the licensee's own label, without the scanner's network: a consumer who
    checked a label and then reported it must not be traceable by the licensee."""

    code: str
    scanned_at: datetime
    verdict: str
    ua_family: str
    os_family: str
    latitude: float | None
    longitude: float | None


class ScanRead(ScanForLicensee):
    network_prefix: str
