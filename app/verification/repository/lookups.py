"""The verification lookup: one statement, driven by the label's primary key, whatever the
size of the label table (DESIGN §7). Core, not ORM: no objects are built on the hot path.

Two forms of the one row shape: ``LOOKUP_BY_CODE`` (one code, the session path) and
``LOOKUP_MANY`` (any number of codes at once, the PostgreSQL hot path that coalesces concurrent
checks). Both read the trust epoch in the same statement, hence the same snapshot, as the rows.
``current_epoch`` is the probe alone, for a code whose row is cached.

The PostgreSQL hot path runs ``LOOKUP_MANY`` and the probe on a bare asyncpg connection
(``readers.PooledReader``): the statements are the same, compiled once, sent by the driver."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from sqlalchemy import String, any_, bindparam, select, text, true
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler

from app.core.trust import EPOCH, TrustEpoch
from app.enterprise.models import Enterprise
from app.inspection.models import Inspection, InspectionStage
from app.label.models import Label, LabelBatch, LabelScanStat
from app.licence.models import Licence
from app.registry.models import GIProduct
from app.tradeitem.models import TradeItem


def _latest_inspection(column: Any) -> Any:
    """The latest final result: a failure in its objection window, or overturned by a re-test,
    is never shown (issue 14, point 3)."""
    return (
        select(column)
        .where(Inspection.batch_id == LabelBatch.id, Inspection.stage == InspectionStage.FINAL)
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
        LabelBatch.origin_public,
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
        TradeItem.gtin.label("item_gtin"),
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
    .outerjoin(TradeItem, TradeItem.id == LabelBatch.item_id)
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
    """The lookup row of one issued label with the epoch it was read under, or ``None``."""
    row = (await connection.execute(LOOKUP_BY_CODE, {"code": code})).mappings().first()
    return dict(row) if row else None


def _for_asyncpg(statement: Any) -> tuple[str, list[Any], int]:
    """The very statement the session path runs, compiled once for asyncpg: its SQL, its
    fixed arguments (the subqueries' LIMIT 1, the epoch row's id) and where the codes go."""
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    compiled: SQLCompiler = statement.compile(dialect=dialect)
    names = list(compiled.positiontup or ())
    return str(compiled), [compiled.params[name] for name in names], names.index("codes")


LOOKUP_MANY_SQL, _ARGUMENTS, _CODES_AT = _for_asyncpg(LOOKUP_MANY)


async def lookup_many(
    connection: asyncpg.Connection, codes: list[str]
) -> tuple[int, dict[str, dict[str, Any]]]:
    """(epoch, rows by code) in one statement: the coalescing batcher's round trip."""
    arguments = list(_ARGUMENTS)
    arguments[_CODES_AT] = codes
    records = await connection.fetch(LOOKUP_MANY_SQL, *arguments)
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        if record["code"] is not None:
            row = dict(record)
            del row["epoch"]
            if isinstance(row["origin_public"], str):  # asyncpg hands JSON over as text
                row["origin_public"] = json.loads(row["origin_public"])
            rows[row["code"]] = row
    return int(records[0]["epoch"]), rows


EPOCH_SQL = "SELECT value FROM trust_epoch WHERE id = 1"
_EPOCH = text(EPOCH_SQL)


async def current_epoch(connection: AsyncConnection) -> int:
    """The trust epoch now: one round trip, the cheapest the driver offers."""
    if connection.dialect.name == "postgresql":
        # The driver's own prepared-statement cache: no SQLAlchemy compilation or result
        # processing for the probe a cached code costs (see ``app.verification.cache``).
        raw = (await connection.get_raw_connection()).driver_connection
        return int(await raw.fetchval(EPOCH_SQL))  # type: ignore[union-attr]
    return int((await connection.execute(_EPOCH)).scalar_one())


# The replica path (``app.verification.replica``): the primary's trust mark, and how far a
# replica has replayed, both in WAL bytes. A server that is not in recovery (a replica promoted,
# or a primary named as the replica) has everything it has written: its own insert position.
TRUST_MARK_SQL = "SELECT value, wal_lsn FROM trust_epoch WHERE id = 1"
REPLAYED_SQL = (
    "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
    " ELSE pg_current_wal_lsn() END - '0/0'::pg_lsn)::bigint"
)


async def trust_mark(connection: asyncpg.Connection) -> tuple[int, int]:
    """(epoch, WAL position of the last trust change; 0 if none recorded one)."""
    record = await connection.fetchrow(TRUST_MARK_SQL)
    return int(record["value"]), int(record["wal_lsn"] or 0)


async def replayed_position(connection: asyncpg.Connection) -> int:
    """How far this server has replayed the primary's WAL (-1: not yet at all)."""
    position = await connection.fetchval(REPLAYED_SQL)
    return -1 if position is None else int(position)
