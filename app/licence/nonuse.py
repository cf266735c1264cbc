"""The two-year non-use rule (CNIPA Announcement 354): an active licence under which no label
was issued and no label was scanned for 24 months is the legal trigger for withdrawal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Subquery, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.enterprise.models import Enterprise
from app.label.models import Label, LabelBatch
from app.licence.models import Licence
from app.licence.schemas import NonUseCase
from app.registry.models import GIProduct
from app.verification.models import LabelScanStat

NON_USE_MONTHS = 24


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)  # every month has a 28th; a day's slack is immaterial here
    return moment.replace(year=year, month=month + 1, day=day)


def _last_issued() -> Subquery:
    return (
        select(LabelBatch.licence_id, func.max(LabelBatch.issued_at).label("last_issued_at"))
        .group_by(LabelBatch.licence_id)
        .subquery()
    )


def _last_scanned() -> Subquery:
    return (
        select(
            LabelBatch.licence_id, func.max(LabelScanStat.last_scanned_at).label("last_scanned_at")
        )
        .join(Label, Label.batch_id == LabelBatch.id)
        .join(LabelScanStat, LabelScanStat.code == Label.code)
        .group_by(LabelBatch.licence_id)
        .subquery()
    )


async def find_non_use(session: AsyncSession, now: datetime) -> list[NonUseCase]:
    cutoff = months_before(now, NON_USE_MONTHS)
    issued, scanned = _last_issued(), _last_scanned()
    query = (
        select(
            Licence,
            Enterprise.name,
            GIProduct.code,
            issued.c.last_issued_at,
            scanned.c.last_scanned_at,
        )
        .join(Enterprise, Enterprise.id == Licence.enterprise_id)
        .join(GIProduct, GIProduct.id == Licence.product_id)
        .outerjoin(issued, issued.c.licence_id == Licence.id)
        .outerjoin(scanned, scanned.c.licence_id == Licence.id)
        .where(
            Licence.in_force_sql(),
            Licence.decided_at <= cutoff,
            or_(issued.c.last_issued_at.is_(None), issued.c.last_issued_at < cutoff),
            or_(scanned.c.last_scanned_at.is_(None), scanned.c.last_scanned_at < cutoff),
        )
        .order_by(Licence.id)
    )
    return [_case(row, cutoff) for row in await session.execute(query)]


def _case(row: Row[Any], cutoff: datetime) -> NonUseCase:
    licence, name, product_code, last_issued, last_scanned = tuple(row)
    dates = [d for d in (licence.decided_at, last_issued, last_scanned) if d is not None]
    return NonUseCase(
        licence_id=licence.id,
        licence_number=licence.number,
        enterprise_id=licence.enterprise_id,
        enterprise_name=name,
        product_code=product_code,
        approved_at=licence.decided_at,
        last_issued_at=last_issued,
        last_scanned_at=last_scanned,
        idle_since=max(dates) if dates else cutoff,
        cutoff=cutoff,
    )
