"""Open data: aggregate figures per product and year, for anyone.

Only counts, and only per product and year: no enterprise, no person, no code, no division
(a county with one licensee would name it). A count under five is shown as "< 5", so a small
figure cannot be traced back to the one enterprise or the one shopper behind it; zero is
shown as 0, which says nothing about anyone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import public_today
from app.statistics import repository, rollup, service

THRESHOLD = 5
SUPPRESSED = "< 5"

Count = int | str

ROLLED_UP = {
    rollup.LABEL_ISSUED: "labels_issued",
    rollup.TAKEN_OUT_MEASURES["void"]: "labels_voided",
    rollup.TAKEN_OUT_MEASURES["revoked"]: "labels_revoked",
    rollup.SCAN: "scans",
    rollup.CLONE: "suspected_copies",
}
FIGURES = (*ROLLED_UP.values(), "inspections", "inspections_passed", "consumer_reports")


def suppress(count: int) -> Count:
    return SUPPRESSED if 0 < count < THRESHOLD else count


@dataclass(frozen=True)
class YearFigures:
    year: int
    figures: dict[str, Count]


@dataclass(frozen=True)
class ProductFigures:
    code: str
    name_zh: str
    name_en: str
    years: list[YearFigures]


async def open_data(session: AsyncSession) -> list[ProductFigures]:
    """Every product with a figure in some year, its years newest first."""
    counts: defaultdict[tuple[int, int], defaultdict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for product_id, day, measure, count in await repository.totals_by_product(session, ROLLED_UP):
        counts[product_id, _year(day)][ROLLED_UP[measure]] += int(count)
    names = await service.product_names(session)
    this_year = public_today().year
    years_of: defaultdict[int, set[int]] = defaultdict(set)
    for product_id, year in counts:
        years_of[product_id].add(year)
    result = []
    for product_id, (code, name_zh, name_en) in names.items():
        years = sorted(years_of[product_id] | {this_year}, reverse=True)
        rows = []
        for year in years:
            figures = counts[product_id, year]
            filters = service.Filters.year(year, product_id)
            inspections = await service.inspection_figures(session, filters)
            reports = await service.report_figures(session, filters)
            figures["inspections"] = inspections.count
            figures["inspections_passed"] = inspections.passed
            figures["consumer_reports"] = reports.filed
            rows.append(YearFigures(year, {name: suppress(figures[name]) for name in FIGURES}))
        result.append(ProductFigures(code, name_zh, name_en, rows))
    return result


def _year(day: date) -> int:
    return day.year


FIGURE_NAMES = {
    "labels_issued": ("发放标签", "Labels issued"),
    "labels_voided": ("作废标签", "Labels voided"),
    "labels_revoked": ("撤销标签", "Labels revoked"),
    "scans": ("扫码查验次数", "Scans"),
    "suspected_copies": ("疑似复制标签", "Suspected copies"),
    "inspections": ("监督抽检", "Inspections"),
    "inspections_passed": ("抽检合格", "Inspections passed"),
    "consumer_reports": ("消费者举报", "Consumer reports"),
}
