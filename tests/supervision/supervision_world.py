"""Builders shared by the supervision tests: a product whose protected area is 五原县 (150821),
roster rows, accepted use reports and issued batches at chosen instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factories
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import utcnow
from app.registry.models import GIProduct
from app.supervision.models import ProducerKind, RosterEntry, UseReport, UseReportStatus

WUYUAN, LINHE, DENGKOU = "150821", "150802", "150822"  # 五原县, 临河区, 磴口县
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def wuyuan_product(session: AsyncSession) -> GIProduct:
    return await factories.product(
        session, name_zh="五原向日葵", protected_area_codes=[WUYUAN, LINHE]
    )


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """An instant given on Beijing's clock, as stored (UTC)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


async def on_roster(
    session: AsyncSession, product: GIProduct, uscc: str, **overrides: Any
) -> RosterEntry:
    fields: dict[str, Any] = {
        "product_id": product.id,
        "uscc": uscc,
        "name": f"名录企业{uscc[-6:]}",
        "division_code": WUYUAN,
        "kind": ProducerKind.PROCESSOR,
        "exporter": False,
        "source": "县市场监管局摸底",
        "on_roster": date(2024, 1, 1),
        "closed_on": None,
    }
    entry = RosterEntry(**(fields | overrides))
    session.add(entry)
    await session.flush()
    return entry


async def accepted_report(
    session: AsyncSession, enterprise_id: int, product_id: int, year: int, **overrides: Any
) -> UseReport:
    fields: dict[str, Any] = {
        "enterprise_id": enterprise_id,
        "product_id": product_id,
        "year": year,
        "produced_kg": Decimal("1000"),
        "sold_domestic_kg": Decimal("600"),
        "sold_export_kg": Decimal("300"),
        "output_value_yuan": Decimal("25000"),
        "labels_applied": 0,
        "packaging_printed": 2000,
        "sales_channels": "批发市场",
        "authorised_shops": "",
        "status": UseReportStatus.ACCEPTED,
        "submitted_at": utcnow(),
        "decided_at": utcnow(),
    }
    report = UseReport(**(fields | overrides))
    session.add(report)
    await session.flush()
    return report


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SHANGHAI).astimezone(UTC)
