"""The EPCIS query: gimark's own events (read from the ledger) and captured ones, merged in
one (eventTime, source, row, part) order and paged by a cursor.

``MATCH_epc`` reads the acts on the label's batch and keeps those naming the label; on a batch
with thousands of such acts (a carton each) one page stops reading after :data:`MAX_SCANS`
rounds and ends where it stopped, with a token to go on from there (a short page, even an
empty one, but never a page that ends the results early).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Unprocessable
from app.core.principal import Principal
from app.core.time import utcnow
from app.epcis import repository
from app.epcis.epc import label_epc, named_label, package_epc
from app.epcis.events import (
    CAPTURED,
    OWN,
    Position,
    codes_of_part,
    own_event,
    part_of,
    parts_of,
    runs_of_part,
    serial_range,
)
from app.epcis.models import CapturedEvent
from app.epcis.vocabulary import (
    CONTEXT,
    FROM_AUDIT,
    SCHEMA_VERSION,
    Epcs,
    Subject,
    actions_for,
    bare_biz_step,
)

MAX_SCANS = 20  # rounds of ledger reads for one page when MATCH_epc leaves rows without a part


@dataclass(frozen=True)
class EventQuery:
    event_type: str | None = None
    since: datetime | None = None  # GE_eventTime
    before: datetime | None = None  # LT_eventTime
    match_epc: str | None = None
    biz_step: str | None = None
    token: str | None = None
    per_page: int = 20


@dataclass(frozen=True)
class LabelRef:
    code: str
    batch_id: int
    serial: int


@dataclass
class Candidate:
    position: Position
    row: Any = None  # the audit row (own) or the CapturedEvent


@dataclass
class OwnScan:
    found: list[Candidate]
    # Where the ledger was read up to when the scan stopped before it ran out of rows: own
    # events after it are unread, so the page must end there.
    horizon: Position | None = None


@dataclass(frozen=True)
class EventPage:
    document: dict[str, Any]
    next_token: str | None


def _utc(instant: datetime | None, field: str = "eventTime") -> datetime | None:
    """UTC (a time without offset is taken as UTC); 422 for one UTC cannot hold."""
    if instant is None:
        return None
    try:
        return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
    except OverflowError as error:
        raise Unprocessable(f"{field} is out of range", field=field) from error


async def _matched(session: AsyncSession, actor: Principal, epc: str) -> LabelRef | None:
    """The label ``MATCH_epc`` names, if the actor may read it (the GTIN a Digital Link
    carries must be its item's: another GTIN is another trade item's instance)."""
    named = named_label(epc)
    if named is None:
        return None
    row = (await session.execute(repository.labels_named(actor, [named.code]))).first()
    if row is None:
        return None
    if named.gtin14 is not None and (row.gtin or "").zfill(14) != named.gtin14:
        return None
    return LabelRef(row.code, row.batch_id, row.serial)


def _own_parts(row: Any, match: LabelRef | None) -> list[int]:
    template = FROM_AUDIT[row.action]
    after = row.after or {}
    if match is None:
        return list(range(parts_of(template, row.quantity, after)))
    part = part_of(template, match.serial, match.code, after)
    return [] if part is None else [part]


async def _own_candidates(
    session: AsyncSession,
    actor: Principal,
    query: EventQuery,
    cursor: Position | None,
    match: LabelRef | None,
    wanted: int,
) -> OwnScan:
    """At least ``wanted`` of gimark's own events after the cursor (fewer: there are no more,
    or the scan stopped at its horizon)."""
    biz_step = bare_biz_step(query.biz_step) if query.biz_step else None
    actions = {s: actions_for(s, query.event_type, biz_step) for s in Subject}
    found: list[Candidate] = []
    if not any(actions.values()):
        return OwnScan(found)
    at = cursor.at if cursor else None
    seq = cursor.row if cursor and cursor.source == OWN else None
    for _ in range(MAX_SCANS):
        select = repository.audited_events(
            actor,
            actions,
            since=query.since,
            before=query.before,
            batch_id=match.batch_id if match else None,
            after_at=at,
            after_seq=seq,
            limit=wanted + 1,
        )
        rows = (await session.execute(select)).all()
        for row in rows:
            occurred = _utc(row.occurred_at)
            assert occurred is not None
            for part in _own_parts(row, match):
                position = Position(occurred, OWN, row.seq, part)
                if cursor is None or position > cursor:
                    found.append(Candidate(position, row))
        if len(found) >= wanted or len(rows) <= wanted:
            return OwnScan(found)
        last = rows[-1]
        at, seq = _utc(last.occurred_at), last.seq + 1  # the next round starts after it
    assert at is not None
    last_part = parts_of(FROM_AUDIT[last.action], last.quantity, last.after or {}) - 1
    return OwnScan(found, Position(at, OWN, last.seq, last_part))


async def _captured_candidates(
    session: AsyncSession,
    actor: Principal,
    query: EventQuery,
    cursor: Position | None,
    match: LabelRef | None,
    wanted: int,
) -> list[Candidate]:
    select = repository.captured_events(
        actor,
        event_type=query.event_type,
        biz_step=bare_biz_step(query.biz_step) if query.biz_step else None,
        since=query.since,
        before=query.before,
        code=match.code if match else None,
        after_at=cursor.at if cursor else None,
        after_id=cursor.row if cursor and cursor.source == CAPTURED else None,
        limit=wanted,
    )
    captured = (await session.scalars(select)).all()
    return [
        Candidate(Position(_utc(e.event_time) or e.event_time, CAPTURED, e.id), e) for e in captured
    ]


async def _events(
    session: AsyncSession, page: list[Candidate], base_url: str
) -> list[dict[str, Any]]:
    events = []
    for candidate in page:
        if candidate.position.source == CAPTURED:
            assert isinstance(candidate.row, CapturedEvent)
            events.append(candidate.row.body)
            continue
        row, part = candidate.row, candidate.position.part
        template = FROM_AUDIT[row.action]
        after = row.after or {}
        codes = await _codes_of_part(session, row, template.epcs, part)
        epcs = [label_epc(code, row.gtin, base_url) for code in codes]
        parent = after.get(template.parent) if template.parent else None
        parent_epc = package_epc(parent, base_url) if parent else None
        events.append(own_event(template, candidate.position.at, epcs, after, parent_epc))
    return events


async def _codes_of_part(session: AsyncSession, row: Any, epcs: Epcs, part: int) -> list[str]:
    """The codes the part of the act names, in its order."""
    if epcs is Epcs.CODES:
        return codes_of_part(row.after or {}, part)
    if epcs is Epcs.RUNS:
        runs = runs_of_part(row.after or {}, part)
        query = repository.codes_in_runs(row.batch_id, runs)
    else:
        query = repository.codes_by_serial(row.batch_id, *serial_range(part))
    return list(await session.scalars(query))


async def query_events(
    session: AsyncSession, actor: Principal, query: EventQuery, base_url: str
) -> EventPage:
    """One page of the events the actor may read, filtered as the query says."""
    cursor = Position.from_token(query.token) if query.token else None
    query = EventQuery(
        query.event_type,
        _utc(query.since, "GE_eventTime"),
        _utc(query.before, "LT_eventTime"),
        query.match_epc,
        query.biz_step,
        query.token,
        query.per_page,
    )
    match = await _matched(session, actor, query.match_epc) if query.match_epc else None
    own, captured = OwnScan([]), []
    if query.match_epc is None or match is not None:
        wanted = query.per_page + 1
        own = await _own_candidates(session, actor, query, cursor, match, wanted)
        captured = await _captured_candidates(session, actor, query, cursor, match, wanted)
    page, next_position = _page(own, captured, query.per_page)
    events = await _events(session, page, base_url)
    token = next_position.token() if next_position else None
    return EventPage(query_document(events), token)


def _page(
    own: OwnScan, captured: list[Candidate], per_page: int
) -> tuple[list[Candidate], Position | None]:
    """The page's candidates in order, and where the next page starts (``None``: no more).
    Nothing beyond the own scan's horizon: an unread own event might come before it."""
    candidates = sorted(own.found + captured, key=lambda c: c.position)
    if own.horizon is not None:
        candidates = [c for c in candidates if c.position <= own.horizon]
    page = candidates[:per_page]
    if len(candidates) > per_page:
        return page, page[-1].position
    return page, own.horizon


def query_document(events: list[dict[str, Any]]) -> dict[str, Any]:
    """An EPCISQueryDocument carrying ``events`` (the standard's SimpleEventQuery result)."""
    return {
        "@context": [CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": utcnow().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": events},
            }
        },
    }
