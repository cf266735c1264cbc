from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.statistics import service
from app.statistics.use_rate import UseRate


class FiltersOut(BaseModel):
    product_id: int | None
    division: str | None
    from_: date = Field(serialization_alias="from")
    to: date

    @classmethod
    def of(cls, filters: service.Filters) -> FiltersOut:
        return cls(
            product_id=filters.product_id,
            division=filters.division,
            from_=filters.start,
            to=filters.end,
        )


class Figures(BaseModel):
    filters: FiltersOut
    as_of: datetime | None = Field(description="the roll-up's data are complete up to here")


class LabelMonth(BaseModel):
    month: str
    issued: int
    void: int
    revoked: int


class LabelStats(Figures):
    months: list[LabelMonth]
    totals: dict[str, int]

    @classmethod
    def of(cls, figures: service.LabelFigures, meta: Figures) -> LabelStats:
        months = [
            LabelMonth(month=m, **{kind: figures.per_month[kind][m] for kind in figures.per_month})
            for m in figures.months
        ]
        return cls(**meta.model_dump(), months=months, totals=figures.totals)


class ScanMonth(BaseModel):
    month: str
    scans: int
    suspected_copies: int


class RegionCount(BaseModel):
    division: str = Field(description='GB/T 2260 code, or "unknown"')
    name: str
    scans: int


class ScanStats(Figures):
    months: list[ScanMonth]
    by_verdict: dict[str, int]
    by_region: list[RegionCount] = Field(
        description="only scans whose shopper chose to share a location"
    )
    total: int
    located: int
    suspected_copies: int

    @classmethod
    def of(cls, figures: service.ScanFigures, meta: Figures) -> ScanStats:
        return cls(
            **meta.model_dump(),
            months=[
                ScanMonth(
                    month=m,
                    scans=figures.per_month[m],
                    suspected_copies=figures.clones_per_month[m],
                )
                for m in figures.months
            ],
            by_verdict=figures.by_verdict,
            by_region=[
                RegionCount(division=code, name=service.division_name(code)[0], scans=count)
                for code, count in figures.by_region.items()
            ],
            total=figures.total,
            located=figures.located,
            suspected_copies=figures.clones,
        )


class InspectionStats(Figures):
    count: int
    passed: int
    failed: int
    pass_rate: float | None
    batches_issued: int
    batches_inspected: int
    coverage: float | None = Field(
        description="share of the batches issued in the period inspected at least once"
    )

    @classmethod
    def of(cls, figures: service.InspectionFigures, meta: Figures) -> InspectionStats:
        return cls(
            **meta.model_dump(),
            count=figures.count,
            passed=figures.passed,
            failed=figures.failed,
            pass_rate=figures.pass_rate,
            batches_issued=figures.batches_issued,
            batches_inspected=figures.batches_inspected,
            coverage=figures.coverage,
        )


class ReportStats(Figures):
    filed: int
    by_status: dict[str, int]
    responded: int
    median_first_response_hours: float | None = Field(
        description="filing to the report's first state change"
    )
    closed: int
    median_resolution_hours: float | None = Field(description="filing to resolved or dismissed")
    accepted_on_time: int = Field(description="accepted or refused within 7 working days")
    accepted_late: int = Field(description="accepted or refused after the 7 working days")
    finished_on_time: int = Field(description="closed by the finishing deadline")
    finished_late: int = Field(description="closed after the finishing deadline")
    overdue: int = Field(description="open now with its running deadline passed")
    without_deadline: int = Field(description="no computed deadline (filed before the clocks)")

    @classmethod
    def of(cls, figures: service.ReportFigures, meta: Figures) -> ReportStats:
        return cls(
            **meta.model_dump(),
            filed=figures.filed,
            by_status=figures.by_status,
            responded=figures.responded,
            median_first_response_hours=figures.median_first_response_hours,
            closed=figures.closed,
            median_resolution_hours=figures.median_resolution_hours,
            accepted_on_time=figures.accepted_on_time,
            accepted_late=figures.accepted_late,
            finished_on_time=figures.finished_on_time,
            finished_late=figures.finished_late,
            overdue=figures.overdue,
            without_deadline=figures.without_deadline,
        )


class LicenceStats(Figures):
    by_state: dict[str, int]
    new: int
    withdrawn: int

    @classmethod
    def of(cls, figures: service.LicenceFigures, meta: Figures) -> LicenceStats:
        return cls(
            **meta.model_dump(),
            by_state=figures.by_state,
            new=figures.new,
            withdrawn=figures.withdrawn,
        )


class UseRateOut(BaseModel):
    active: int
    used: int
    rate: float | None
    exporters_active: int
    exporters_used: int
    exporter_rate: float | None
    target: float

    @classmethod
    def of(cls, rate: UseRate) -> UseRateOut:
        return cls(
            active=rate.active,
            used=rate.used,
            rate=rate.rate,
            exporters_active=rate.exporters_active,
            exporters_used=rate.exporters_used,
            exporter_rate=rate.exporter_rate,
            target=rate.target,
        )


class Overview(Figures):
    use_rate: UseRateOut | None = Field(
        description="the mark-use rate from the supervision roster; null until it is available"
    )
    labels: LabelStats
    scans: ScanStats
    inspections: InspectionStats
    reports: ReportStats
    licences: LicenceStats

    @classmethod
    def of(cls, figures: service.Statistics) -> Overview:
        meta = Figures(filters=FiltersOut.of(figures.filters), as_of=figures.as_of)
        return cls(
            **meta.model_dump(),
            use_rate=UseRateOut.of(figures.use_rate) if figures.use_rate else None,
            labels=LabelStats.of(figures.labels, meta),
            scans=ScanStats.of(figures.scans, meta),
            inspections=InspectionStats.of(figures.inspections, meta),
            reports=ReportStats.of(figures.reports, meta),
            licences=LicenceStats.of(figures.licences, meta),
        )


class OpenYear(BaseModel):
    year: int
    figures: dict[str, int | str] = Field(description='counts; a count under 5 is "< 5"')


class OpenProduct(BaseModel):
    code: str
    name_zh: str
    name_en: str
    years: list[OpenYear]


class OpenData(BaseModel):
    suppressed_below: int
    products: list[OpenProduct]
