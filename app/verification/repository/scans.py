"""Scan rows, each code's running totals (``label_scan_stat``), the queries the clone rules
ask, the staff listings and the roll-up into daily counts.

Writes come in flushes of many scans (``app.verification.scanlog``), so on PostgreSQL each
statement takes its rows as one array parameter per column: the statement has the same shape
for any number of rows, SQLAlchemy compiles it once and asyncpg prepares it once, where a
multi-row VALUES list would be compiled on every flush."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Result,
    Select,
    String,
    Table,
    any_,
    bindparam,
    column,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Keyset
from app.core.principal import Principal
from app.core.search import contains_text
from app.core.time import public_zone, utcnow
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.label.models import Label, LabelBatch, LabelScanStat
from app.registry.models import GIProduct
from app.verification.models import Scan, ScanDaily


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """One check as it is written: privacy-minimised, nothing here names the person."""

    code: str
    scanned_at: datetime
    verdict: str
    network_prefix: str
    source_hash: str
    ua_family: str
    os_family: str
    latitude: float | None = None
    longitude: float | None = None


# The PostgreSQL type of each column's array parameter (see ``_from_arrays``).
SCAN_TYPES = {
    "code": "varchar",
    "scanned_at": "timestamptz",
    "verdict": "varchar",
    "network_prefix": "varchar",
    "source_hash": "varchar",
    "ua_family": "varchar",
    "os_family": "varchar",
    "latitude": "float8",
    "longitude": "float8",
}
STAT_TYPES = {
    "code": "varchar",
    "scan_count": "bigint",
    "first_scanned_at": "timestamptz",
    "last_scanned_at": "timestamptz",
    "last_latitude": "float8",
    "last_longitude": "float8",
    "last_located_at": "timestamptz",
}
assert list(SCAN_TYPES) == [f.name for f in fields(ScanRecord)]


def _from_arrays(types: dict[str, str]) -> Any:
    """PostgreSQL: ``SELECT * FROM unnest(:a, :b, …)``, one array parameter per column."""
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in types.items())
    query = f"SELECT * FROM unnest({arrays})"  # noqa: S608 - names and types are constants above
    return text(query).columns(*(column(name) for name in types))


# Core tables, not the mapped classes: a dict of arrays must not look like an ORM bulk insert.
SCAN_TABLE, STAT_TABLE = cast(Table, Scan.__table__), cast(Table, LabelScanStat.__table__)
_SCANS_FROM_ARRAYS = _from_arrays(SCAN_TYPES)
_STATS_FROM_ARRAYS = _from_arrays(STAT_TYPES)


def _as_arrays(rows: list[dict[str, Any]], columns: dict[str, str]) -> dict[str, list[Any]]:
    return {c: [row[c] for row in rows] for c in columns}


def _as_dict(record: ScanRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in SCAN_TYPES}  # not asdict(): no deep copies


def _on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _among(session: AsyncSession, column: Any, codes: Collection[str]) -> Any:
    """``column IN codes``; on PostgreSQL ``= ANY(:array)``, one prepared statement for any
    number of codes (an expanded IN list would be a new statement for every count)."""
    if _on_postgresql(session):
        return column == any_(bindparam(None, sorted(codes), type_=ARRAY(String), unique=True))
    return column.in_(codes)


async def _core(
    session: AsyncSession, statement: Any, parameters: Any = None
) -> Result[*tuple[Any, ...]]:
    """Core execution on the session's connection: no ORM result processing."""
    return await (await session.connection()).execute(statement, parameters)


async def add_scans(session: AsyncSession, records: list[ScanRecord]) -> None:
    if _on_postgresql(session):
        arrays = {name: [getattr(r, name) for r in records] for name in SCAN_TYPES}
        statement = insert(SCAN_TABLE).from_select(list(SCAN_TYPES), _SCANS_FROM_ARRAYS)
        await _core(session, statement, arrays)
    else:
        await _core(session, insert(SCAN_TABLE), [_as_dict(r) for r in records])


Location = tuple[float, float, datetime]  # latitude, longitude, when


async def last_locations(session: AsyncSession, codes: Collection[str]) -> dict[str, Location]:
    """Where each of ``codes`` was last checked with a location shared, if ever."""
    stat = LabelScanStat
    rows = await _core(
        session,
        select(stat.code, stat.last_latitude, stat.last_longitude, stat.last_located_at).where(
            _among(session, stat.code, codes), stat.last_located_at.is_not(None)
        ),
    )
    return {
        c: (lat, lon, at) for c, lat, lon, at in rows if lat is not None and lon is not None and at
    }


def _stats_rows(records: list[ScanRecord]) -> list[dict[str, Any]]:
    grouped: dict[str, list[ScanRecord]] = defaultdict(list)
    for record in records:
        grouped[record.code].append(record)
    rows = []
    for code, group in grouped.items():
        located = [r for r in group if r.latitude is not None]
        last = max(located, key=lambda r: r.scanned_at) if located else None
        rows.append(
            {
                "code": code,
                "scan_count": len(group),
                "first_scanned_at": min(r.scanned_at for r in group),
                "last_scanned_at": max(r.scanned_at for r in group),
                "last_latitude": last.latitude if last else None,
                "last_longitude": last.longitude if last else None,
                "last_located_at": last.scanned_at if last else None,
            }
        )
    return rows


async def add_to_totals(session: AsyncSession, records: list[ScanRecord]) -> dict[str, int]:
    """Fold the records into the running totals; returns each code's new scan count."""
    rows = _stats_rows(records)
    totals = (STAT_TABLE.c.code, STAT_TABLE.c.scan_count)
    if _on_postgresql(session):
        pg = postgresql.insert(STAT_TABLE).from_select(list(STAT_TYPES), _STATS_FROM_ARRAYS)
        upsert = pg.on_conflict_do_update(index_elements=["code"], set_=_merged(pg.excluded))
        result = await _core(session, upsert.returning(*totals), _as_arrays(rows, STAT_TYPES))
    else:
        lite = sqlite.insert(STAT_TABLE).values(rows)
        merge = lite.on_conflict_do_update(index_elements=["code"], set_=_merged(lite.excluded))
        result = await _core(session, merge.returning(*totals))
    return {code: int(count) for code, count in result}


def _merged(new: Any) -> dict[str, Any]:
    """How a flush's totals fold into a code's running totals."""
    return {
        "scan_count": LabelScanStat.scan_count + new.scan_count,
        "last_scanned_at": new.last_scanned_at,
        "last_latitude": func.coalesce(new.last_latitude, LabelScanStat.last_latitude),
        "last_longitude": func.coalesce(new.last_longitude, LabelScanStat.last_longitude),
        "last_located_at": func.coalesce(new.last_located_at, LabelScanStat.last_located_at),
    }


async def lowest_source_threshold(session: AsyncSession) -> int | None:
    """The fewest distinct sources any product tolerates (None: no product yet)."""
    lowest: int | None = await session.scalar(select(func.min(GIProduct.clone_distinct_sources)))
    return lowest


Thresholds = tuple[int, int, int]  # max distinct sources, their window in hours, max speed km/h


async def clone_thresholds(session: AsyncSession, codes: Collection[str]) -> dict[str, Thresholds]:
    """Each code's product's clone thresholds (codes not issued are absent)."""
    rows = await _core(
        session,
        select(
            Label.code,
            GIProduct.clone_distinct_sources,
            GIProduct.clone_window_hours,
            GIProduct.clone_max_speed_kmh,
        )
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .join(GIProduct, GIProduct.id == LabelBatch.product_id)
        .where(_among(session, Label.code, codes)),
    )
    return {code: (sources, hours, speed) for code, sources, hours, speed in rows}


async def distinct_sources(
    session: AsyncSession, codes: list[str], since: datetime
) -> dict[str, int]:
    """Distinct sources per code since ``since``, for many codes in one query."""
    rows = await _core(
        session,
        select(Scan.code, func.count(func.distinct(Scan.source_hash)))
        .where(_among(session, Scan.code, codes), Scan.scanned_at >= since)
        .group_by(Scan.code),
    )
    return {code: int(count) for code, count in rows}


async def flag_suspect(
    session: AsyncSession, code: str, reason: str, evidence: dict[str, Any]
) -> None:
    """Mark ``code`` suspect with its evidence; a code already flagged keeps its first flag."""
    await session.execute(
        update(LabelScanStat)
        .where(LabelScanStat.code == code, LabelScanStat.suspect_reason.is_(None))
        .values(suspect_reason=reason, suspect_evidence=evidence, flagged_at=utcnow())
    )


# The orders the staff's lists may be read in: a time, then a unique tie-breaker, each pair
# read from an index on exactly those columns (ix_scan_scanned_at_id,
# ix_label_scan_stat_flagged_at_code).
SCAN_ORDERS = {
    "-scanned_at": Keyset("scans:-scanned_at", (Scan.scanned_at, Scan.id), descending=True),
    "scanned_at": Keyset("scans:scanned_at", (Scan.scanned_at, Scan.id), descending=False),
}
SUSPICIOUS_ORDERS = {
    "-flagged_at": Keyset(
        "suspicious:-flagged_at", (LabelScanStat.flagged_at, LabelScanStat.code), descending=True
    ),
    "flagged_at": Keyset(
        "suspicious:flagged_at", (LabelScanStat.flagged_at, LabelScanStat.code), descending=False
    ),
}


def suspicious_codes(q: str | None = None) -> Select[LabelScanStat, int, int]:
    """Flagged codes, each with its batch and enterprise (staff only); ``q`` matches a
    substring of the code, the lot number, or the enterprise's name or USCC."""
    query = (
        select(LabelScanStat, LabelBatch.id, LabelBatch.enterprise_id)
        .join(Label, Label.code == LabelScanStat.code)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
        .where(LabelScanStat.flagged_at.is_not(None))
    )
    if q and q.strip():
        text = q.strip()
        enterprises = select(Enterprise.id).where(
            or_(contains_text(Enterprise.name, text), contains_text(Enterprise.uscc, text))
        )
        code = "".join(text.upper().replace("-", "").split()) or text
        query = query.where(
            or_(
                contains_text(LabelScanStat.code, code),
                contains_text(LabelBatch.lot_number, text),
                LabelBatch.enterprise_id.in_(enterprises),
            )
        )
    return query


def readable_scans(
    principal: Principal, code: str | None = None, batch_id: int | None = None
) -> Select[Scan]:
    """Scans of labels: a licensee's only of its own enterprise's labels."""
    query = (
        select(Scan)
        .join(Label, Label.code == Scan.code)
        .join(LabelBatch, LabelBatch.id == Label.batch_id)
    )
    if principal.is_licensee:
        query = query.where(LabelBatch.enterprise_id == principal.enterprise_id)
    elif (reach := enterprises_in_reach(principal)) is not None:
        query = query.where(LabelBatch.enterprise_id.in_(reach))
    if code:
        query = query.where(Scan.code == code)
    if batch_id:
        query = query.where(LabelBatch.id == batch_id)
    return query


async def daily_counts_before(session: AsyncSession, cutoff: datetime) -> list[dict[str, Any]]:
    """PostgreSQL: scans before ``cutoff`` per code and public calendar day, grouped in SQL."""
    day = func.date(func.timezone(public_zone().key, Scan.scanned_at))
    grouped = (
        select(
            Scan.code, day.label("day"), func.count(), func.count(func.distinct(Scan.source_hash))
        )
        .where(Scan.scanned_at < cutoff)
        .group_by(Scan.code, day)
    )
    return [
        {"code": code, "day": value, "scans": scans, "distinct_sources": sources}
        for code, value, scans, sources in await session.execute(grouped)
    ]


async def scans_before(
    session: AsyncSession, cutoff: datetime
) -> Iterable[tuple[str, datetime, str]]:
    """(code, instant, source) of every scan before ``cutoff``, for grouping in Python."""
    query = select(Scan.code, Scan.scanned_at, Scan.source_hash).where(Scan.scanned_at < cutoff)
    return [(code, at, source) for code, at, source in await session.execute(query)]


async def add_daily_counts(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Add to ``scan_daily``; a (code, day) already there is summed into."""
    dialect = postgresql if _on_postgresql(session) else sqlite
    upsert = dialect.insert(ScanDaily).values(rows)
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=["code", "day"],
            set_={
                "scans": ScanDaily.scans + upsert.excluded.scans,
                "distinct_sources": ScanDaily.distinct_sources + upsert.excluded.distinct_sources,
            },
        )
    )


async def delete_scans_before(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(delete(Scan).where(Scan.scanned_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]
