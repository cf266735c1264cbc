"""Writing scans: privacy-minimised rows, running totals per code, and the clone flag.

In "batched" mode requests only append to an in-process buffer that a background task
flushes every ``scan_flush_seconds`` in one transaction: the verify hot path does no write.
A crash loses at most one interval of scan statistics, never a verdict: verdicts depend on
label, batch and licence state, which are written by their own transactions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Result,
    String,
    Table,
    any_,
    bindparam,
    column,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.core.time import utcnow
from app.core.trust import trust_changed
from app.label.models import Label, LabelBatch
from app.registry.models import GIProduct
from app.verification.geo import impossible_travel
from app.verification.models import LabelScanStat, Scan
from app.verification.verdicts import Verdict

logger = logging.getLogger("gimark.scans")


@dataclass(frozen=True, slots=True)
class ScanRecord:
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
    """PostgreSQL: ``SELECT * FROM unnest(:a, :b, …)``, one array parameter per column, so the
    statement has the same shape for any number of rows: SQLAlchemy compiles it once and
    asyncpg prepares it once, where a multi-row VALUES list would be compiled on every flush."""
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


async def write_scans(session: AsyncSession, records: list[ScanRecord]) -> None:
    if not records:
        return
    if _on_postgresql(session):
        arrays = {name: [getattr(r, name) for r in records] for name in SCAN_TYPES}
        await _core(
            session, insert(SCAN_TABLE).from_select(list(SCAN_TYPES), _SCANS_FROM_ARRAYS), arrays
        )
    else:
        await _core(session, insert(SCAN_TABLE), [_as_dict(r) for r in records])
    known = [r for r in records if r.verdict in Verdict.in_circulation()]
    if known:
        located = {r.code for r in known if r.latitude is not None}
        previous = await _previous_locations(session, located) if located else {}
        totals = await _upsert_stats(session, known)
        await _flag_clones(session, known, previous, totals)


async def _previous_locations(
    session: AsyncSession, codes: Collection[str]
) -> dict[str, tuple[float, float, datetime]]:
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


async def _upsert_stats(session: AsyncSession, records: list[ScanRecord]) -> dict[str, int]:
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


Limits = tuple[int, int, int, int]  # max sources, window hours, max speed, scans so far


async def _thresholds(
    session: AsyncSession, codes: Collection[str], totals: dict[str, int]
) -> dict[str, Limits]:
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
    return {code: (sources, hours, speed, totals[code]) for code, sources, hours, speed in rows}


async def _candidates(
    session: AsyncSession, records: list[ScanRecord], totals: dict[str, int]
) -> set[str]:
    """Codes that could be flagged now: scanned more times in all than the lowest threshold of
    any product (fewer scans cannot come from too many sources), or located in this flush
    (travel). Ordinary traffic, a few scans per label, leaves none: no threshold lookup."""
    lowest = await session.scalar(select(func.min(GIProduct.clone_distinct_sources)))
    crowded = {code for code, count in totals.items() if count > (lowest or 0)}
    return crowded | {r.code for r in records if r.latitude is not None}


async def _distinct_sources(
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


async def _flag_clones(
    session: AsyncSession,
    records: list[ScanRecord],
    previous: dict[str, tuple[float, float, datetime]],
    totals: dict[str, int],
) -> None:
    """A genuine code becomes suspect when too many distinct sources check it within the
    product's window, or when two located checks are further apart than travel allows."""
    candidates = await _candidates(session, records, totals)
    if not candidates:
        return
    limits = await _thresholds(session, candidates, totals)
    evidence: dict[str, tuple[str, dict[str, Any]]] = {}
    latest: dict[str, ScanRecord] = {}
    for record in sorted(records, key=lambda r: r.scanned_at):
        latest[record.code] = record
        if record.code in limits and record.code not in evidence:
            found = _travel_evidence(record, previous.get(record.code), limits[record.code][2])
            if found:
                evidence[record.code] = found
        if record.latitude is not None and record.longitude is not None:
            previous[record.code] = (record.latitude, record.longitude, record.scanned_at)
    evidence.update(await _source_evidence(session, latest, limits, set(evidence)))
    for code, (reason, details) in evidence.items():
        await session.execute(
            update(LabelScanStat)
            .where(LabelScanStat.code == code, LabelScanStat.suspect_reason.is_(None))
            .values(suspect_reason=reason, suspect_evidence=details, flagged_at=utcnow())
        )
    if evidence:  # cached 'genuine' verdicts of these codes must go now
        await trust_changed(session)


async def _source_evidence(
    session: AsyncSession, latest: dict[str, ScanRecord], limits: dict[str, Limits], done: set[str]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Codes checked by more distinct sources than their product allows within its window.
    A code scanned no more times in all than the threshold cannot qualify, so ordinary
    traffic costs no query; the rest are counted one query per product window."""
    by_window: dict[tuple[int, int], list[str]] = defaultdict(list)
    for code, (max_sources, hours, _speed, scans) in limits.items():
        if code in latest and code not in done and scans > max_sources:
            by_window[(max_sources, hours)].append(code)
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for (max_sources, hours), codes in by_window.items():
        since = max(latest[c].scanned_at for c in codes) - timedelta(hours=hours)
        for code, sources in (await _distinct_sources(session, codes, since)).items():
            if sources > max_sources:
                details = {"sources": sources, "window_hours": hours, "threshold": max_sources}
                found[code] = ("distinct_sources", details)
    return found


def _travel_evidence(
    record: ScanRecord, before: tuple[float, float, datetime] | None, max_speed: int
) -> tuple[str, dict[str, Any]] | None:
    if before is None or record.latitude is None or record.longitude is None:
        return None
    now = (record.latitude, record.longitude, record.scanned_at)
    if not impossible_travel(before, now, max_speed):
        return None
    return "impossible_travel", {
        "from": [before[0], before[1], before[2].isoformat()],
        "to": [now[0], now[1], now[2].isoformat()],
        "max_speed_kmh": max_speed,
    }


class ScanLog:
    """Inline: written in the caller's session. Batched: buffered, flushed by a task."""

    def __init__(self, database: Database, batched: bool, interval: float) -> None:
        self.database, self.batched, self.interval = database, batched, interval
        self._buffer: list[ScanRecord] = []
        self._task: asyncio.Task[None] | None = None

    async def record(self, session: AsyncSession | None, record: ScanRecord) -> None:
        if self.batched:
            self._buffer.append(record)
        elif session is not None:
            await write_scans(session, [record])
        else:
            raise RuntimeError("inline scan writes need the request's session")

    async def flush(self) -> int:
        records, self._buffer = self._buffer, []
        if records:
            try:
                async with self.database.sessionmaker() as session, session.begin():
                    await write_scans(session, records)
            except Exception:
                logger.exception("could not write %d scans; they are lost", len(records))
        return len(records)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.flush()

    def start(self) -> None:
        if self.batched and self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
