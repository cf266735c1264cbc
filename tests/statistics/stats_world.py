"""A hand-built data set for the statistics: two enterprises in two counties, labels issued,
voided and revoked on known days, scans of every kind with and without a shared location,
a clone flag, inspections, consumer reports and licences. Every count is known in advance."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import factories
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core.principal import SYSTEM
from app.enterprise.uscc import compose
from app.inspection.models import Inspection, InspectionResult
from app.label.models import Label, LabelBatch, LabelScanStat, LabelStatus
from app.licence.models import LicenceStatus
from app.registry.models import GIProduct
from app.report.models import ConsumerReport, ReportStatus
from app.verification.models import Scan

WUYUAN, LINHE = "150821", "150802"  # 五原县, 临河区 (both in 巴彦淖尔市 150800)
_codes = itertools.count(1)


def at(day: date, hour: int = 4) -> datetime:
    """``hour`` o'clock UTC on ``day``: noon in Wuyuan, the same public day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class World:
    product: GIProduct
    other_product: GIProduct
    batches: dict[str, LabelBatch]
    labels: dict[str, list[Label]]
    enterprise_ids: dict[str, int]
    scans: list[Scan] = field(default_factory=list)

    def code(self, county: str, n: int = 0) -> str:
        return self.labels[county][n].code


async def _batch(
    session: AsyncSession, product: GIProduct, county: str, issued: datetime, count: int
) -> tuple[int, LabelBatch, list[Label]]:
    n = next(_codes)
    company = await factories.enterprise(
        session,
        name=f"统计企业{n}",
        uscc=compose("91", county, f"MB{n:06d}"),
        division_code=county,
    )
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(session, licence, issued_at=issued, quantity=count)
    codes = [f"ST{n:03d}{i:05d}" for i in range(count)]
    labels = await factories.labels(session, batch, codes)
    return company.id, batch, labels


async def build(session: AsyncSession, year: int) -> World:
    product = await factories.product(session, name_zh="统计向日葵", name_en="Stats sunflower")
    other = await factories.product(session)
    wuyuan_id, wuyuan_batch, wuyuan_labels = await _batch(
        session, product, WUYUAN, at(date(year, 1, 15)), 12
    )
    linhe_id, linhe_batch, linhe_labels = await _batch(
        session, product, LINHE, at(date(year, 3, 2)), 7
    )
    other_id, other_batch, other_labels = await _batch(
        session, other, WUYUAN, at(date(year, 3, 3)), 5
    )
    world = World(
        product,
        other,
        {WUYUAN: wuyuan_batch, LINHE: linhe_batch, "other": other_batch},
        {WUYUAN: wuyuan_labels, LINHE: linhe_labels, "other": other_labels},
        {WUYUAN: wuyuan_id, LINHE: linhe_id, "other": other_id},
    )
    for label in wuyuan_labels[:2]:  # two voided in February
        label.status, label.status_changed_at = LabelStatus.VOID, at(date(year, 2, 10))
    linhe_labels[0].status = LabelStatus.REVOKED
    linhe_labels[0].status_changed_at = at(date(year, 3, 20))
    await session.flush()
    return world


def scan(code: str, when: datetime, verdict: str = "genuine", where: Any = None) -> Scan:
    latitude, longitude = where if where else (None, None)
    return Scan(
        code=code,
        scanned_at=when,
        verdict=verdict,
        network_prefix="203.0.113.0/24",
        source_hash="h",
        ua_family="chrome",
        os_family="android",
        latitude=latitude,
        longitude=longitude,
    )


async def add_scans(session: AsyncSession, world: World, scans: list[Scan]) -> None:
    session.add_all(scans)
    world.scans.extend(scans)
    await session.flush()


async def flag_clone(session: AsyncSession, code: str, when: datetime) -> None:
    session.add(
        LabelScanStat(
            code=code,
            scan_count=30,
            first_scanned_at=when - timedelta(days=1),
            last_scanned_at=when,
            suspect_reason="distinct_sources",
            flagged_at=when,
        )
    )
    await session.flush()


async def inspection(
    session: AsyncSession, batch: LabelBatch, on: date, result: InspectionResult
) -> Inspection:
    n = next(_codes)
    row = Inspection(
        batch_id=batch.id,
        sample_id=f"S-{n}",
        sampled_on=on,
        sampling_place="仓库",
        lab="巴彦淖尔市检验检测中心",
        report_number=f"R-{n}",
        result=result,
    )
    session.add(row)
    await session.flush()
    return row


async def report(
    session: AsyncSession,
    world: World,
    filed: datetime,
    changes: list[ReportStatus],
    *,
    county: str = WUYUAN,
    contact: str | None = "13800000000",
) -> ConsumerReport:
    """A report filed at ``filed`` that went through ``changes`` just now (the audit ledger
    records the real time of each change and cannot be back-dated)."""
    row = ConsumerReport(
        code=world.code(county, 5),
        enterprise_id=world.enterprise_ids[county],
        what_was_seen="标签模糊",
        contact=contact,
        status=changes[-1] if changes else ReportStatus.NEW,
        created_at=filed,
    )
    session.add(row)
    await session.flush()
    for status in changes:
        await record_transition(
            session, SYSTEM, f"report.{status.value}", "consumer_report", row.id, reason="处理"
        )
    await session.commit()  # audit events are chained and written at commit
    return row


async def withdraw_licence(session: AsyncSession, batch: LabelBatch, when: datetime) -> None:
    licence = await session.get(factories.Licence, batch.licence_id)
    assert licence is not None
    licence.status, licence.withdrawn_at = LicenceStatus.WITHDRAWN, when
    licence.withdrawal_reason = "连续两年未使用"
    await session.flush()
