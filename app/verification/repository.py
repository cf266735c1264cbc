"""The verification lookup: one statement, driven by the label's primary key, whatever the
size of the label table (DESIGN §7). Core, not ORM: no objects are built on the hot path."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.enterprise.models import Enterprise
from app.inspection.models import Inspection
from app.label.models import Label, LabelBatch
from app.licence.models import Licence
from app.registry.models import GIProduct
from app.verification.models import LabelScanStat, TrustEpoch


def _latest_inspection(column: Any) -> Any:
    return (
        select(column)
        .where(Inspection.batch_id == LabelBatch.id)
        .order_by(Inspection.sampled_on.desc(), Inspection.id.desc())
        .limit(1)
        .scalar_subquery()
    )


LOOKUP = (
    select(
        Label.code, Label.status.label("label_status"), Label.status_changed_at,
        LabelBatch.id.label("batch_id"), LabelBatch.status.label("batch_status"),
        LabelBatch.lot_number, LabelBatch.production_date, LabelBatch.issued_at, LabelBatch.unit,
        Licence.status.label("licence_status"), Licence.number.label("licence_number"),
        Licence.withdrawn_at, Licence.valid_until,
        Enterprise.name.label("enterprise_name"), Enterprise.uscc,
        GIProduct.id.label("product_id"), GIProduct.code.label("product_code"),
        GIProduct.name_zh, GIProduct.name_en, GIProduct.route,
        GIProduct.standard_number, GIProduct.announcement_number,
        GIProduct.trademark, GIProduct.trademark_reg_number,
        LabelScanStat.scan_count, LabelScanStat.first_scanned_at, LabelScanStat.suspect_reason,
        _latest_inspection(Inspection.result).label("inspection_result"),
        _latest_inspection(Inspection.sampled_on).label("inspection_date"),
        _latest_inspection(Inspection.report_number).label("inspection_report"),
        # Read in the same statement, hence the same snapshot, as the row it tags.
        select(TrustEpoch.value).where(TrustEpoch.id == 1).scalar_subquery().label("epoch"),
    )
    .join(LabelBatch, LabelBatch.id == Label.batch_id)
    .join(Licence, Licence.id == LabelBatch.licence_id)
    .join(Enterprise, Enterprise.id == LabelBatch.enterprise_id)
    .join(GIProduct, GIProduct.id == LabelBatch.product_id)
    .outerjoin(LabelScanStat, LabelScanStat.code == Label.code)
)  # fmt: skip


# Built once: a statement object reused with a bound parameter keeps SQLAlchemy's compiled
# cache (and asyncpg's prepared statement) hot instead of re-deriving a cache key per request.
LOOKUP_BY_CODE = LOOKUP.where(Label.code == bindparam("code"))


async def lookup(connection: AsyncConnection, code: str) -> dict[str, Any] | None:
    row = (await connection.execute(LOOKUP_BY_CODE, {"code": code})).mappings().first()
    return dict(row) if row else None
