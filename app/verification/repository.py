"""The verification lookup: one statement, driven by the label's primary key, whatever the
size of the label table (DESIGN §7). Core, not ORM: no objects are built on the hot path.

Two forms of the one row shape: ``LOOKUP_BY_CODE`` (one code, the session path) and
``LOOKUP_MANY`` (any number of codes at once, the PostgreSQL hot path that coalesces concurrent
checks). Both read the trust epoch in the same statement, hence the same snapshot, as the rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, any_, bindparam, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.trust import EPOCH, TrustEpoch
from app.enterprise.models import Enterprise
from app.inspection.models import Inspection
from app.label.models import Label, LabelBatch
from app.licence.models import Licence
from app.registry.models import GIProduct
from app.verification.models import LabelScanStat


def _latest_inspection(column: Any) -> Any:
    return (
        select(column)
        .where(Inspection.batch_id == LabelBatch.id)
        .order_by(Inspection.sampled_on.desc(), Inspection.id.desc())
        .limit(1)
        .scalar_subquery()
    )


ROWS = (
    select(
        Label.code,
        Label.status.label("label_status"),
        Label.status_changed_at,
        LabelBatch.id.label("batch_id"),
        LabelBatch.status.label("batch_status"),
        LabelBatch.lot_number,
        LabelBatch.production_date,
        LabelBatch.issued_at,
        LabelBatch.unit,
        Licence.status.label("licence_status"),
        Licence.number.label("licence_number"),
        Licence.withdrawn_at,
        Licence.valid_until,
        Enterprise.name.label("enterprise_name"),
        Enterprise.uscc,
        GIProduct.id.label("product_id"),
        GIProduct.code.label("product_code"),
        GIProduct.name_zh,
        GIProduct.name_en,
        GIProduct.route,
        GIProduct.standard_number,
        GIProduct.announcement_number,
        GIProduct.trademark,
        GIProduct.trademark_reg_number,
        GIProduct.programme_document,
        GIProduct.is_demo.label("product_is_demo"),
        Enterprise.is_demo.label("enterprise_is_demo"),
        LabelScanStat.scan_count,
        LabelScanStat.first_scanned_at,
        LabelScanStat.suspect_reason,
        _latest_inspection(Inspection.result).label("inspection_result"),
        _latest_inspection(Inspection.sampled_on).label("inspection_date"),
        _latest_inspection(Inspection.report_number).label("inspection_report"),
    )
    .join(LabelBatch, LabelBatch.id == Label.batch_id)
    .join(Licence, Licence.id == LabelBatch.licence_id)
    .join(Enterprise, Enterprise.id == LabelBatch.enterprise_id)
    .join(GIProduct, GIProduct.id == LabelBatch.product_id)
    .outerjoin(LabelScanStat, LabelScanStat.code == Label.code)
)


# Read in the same statement, hence the same snapshot, as the row it tags.
LOOKUP = ROWS.add_columns(EPOCH.label("epoch"))

# Built once: a statement object reused with a bound parameter keeps SQLAlchemy's compiled
# cache (and asyncpg's prepared statement) hot instead of re-deriving a cache key per request.
LOOKUP_BY_CODE = LOOKUP.where(Label.code == bindparam("code"))


def _lookup_many() -> Any:
    """The rows of every issued label among ``codes`` (PostgreSQL: an array parameter, so one
    prepared statement serves any number of codes), each beside the epoch; driven from the
    one-row ``trust_epoch`` so that the epoch comes back even when no code matches."""
    wanted = Label.code == any_(bindparam("codes", type_=ARRAY(String)))
    found = ROWS.where(wanted).subquery("found")
    return (
        select(TrustEpoch.value.label("epoch"), *found.c)
        .select_from(TrustEpoch)
        .outerjoin(found, true())
        .where(TrustEpoch.id == 1)
    )


LOOKUP_MANY = _lookup_many()


async def lookup(connection: AsyncConnection, code: str) -> dict[str, Any] | None:
    row = (await connection.execute(LOOKUP_BY_CODE, {"code": code})).mappings().first()
    return dict(row) if row else None
