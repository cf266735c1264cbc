"""The EPCIS query: gimark's own events (read from the ledger) and captured ones, merged in
one (eventTime, source, row, part) order and paged by a cursor.

The EPC parameters (``MATCH_epc``, ``MATCH_parentID``, ``MATCH_anyEPC``, ``app.epcis.matching``)
read the acts that may name the EPC (a label's: those on its batch; a package's: those whose
record mentions its code) and keep the parts that do; on a batch with thousands of such acts
(a carton each) one page stops reading after :data:`MAX_SCANS` rounds and ends where it
stopped, with a token to go on from there (a short page, even an empty one, but never a page
that ends the results early).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Unprocessable
from app.core.principal import Principal
from app.core.time import utcnow
from app.epcis import matching, repository
from app.epcis.epc import label_epc, package_epc
from app.epcis.events import (
    CAPTURED,
    OWN,
    Position,
    codes_of_part,
    own_event,
    parts_of,
    runs_of_part,
    serial_range,
)
from app.epcis.matching import Match
from app.epcis.models import CapturedEvent
from app.epcis.vocabulary import (
    CONTEXT,
    FROM_AUDIT,
    SCHEMA_VERSION,
    Epcs,
    EventTemplate,
    Subject,
    actions_for,
    bare_biz_step,
)

MAX_SCANS = 20  # rounds of ledger reads for one page when an EPC leaves rows without a part


@dataclass(frozen=True)
class EventQuery:
    event_type: str | None = None
    since: datetime | None = None  # GE_eventTime
    before: datetime | None = None  # LT_eventTime
    match_epc: str | None = None
    biz_step: str | None = None
    token: str | None = None
    per_page: int = 20
    match_parent_id: str | None = None
    match_any_epc: str | None = None

    def epc_parameters(self) -> list[tuple[str, str]]:
        """(parameter, EPC) of the EPC parameters given."""
        given = {
            "MATCH_epc": self.match_epc,
            "MATCH_parentID": self.match_parent_id,
            "MATCH_anyEPC": self.match_any_epc,
        }
        return [(name, epc) for name, epc in given.items() if epc is not None]


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


async def _matches(
    session: AsyncSession, actor: Principal, query: EventQuery
) -> list[Match] | None:
    """The EPC parameters, resolved; ``None`` when one names nothing the actor may read."""
    matches = []
    for parameter, epc in query.epc_parameters():
        match = await matching.resolve(session, actor, parameter, epc)
        if match is None:
            return None
        matches.append(match)
    return matches


def _own_parts(row: Any, matches: list[Match]) -> list[int]:
    """The parts of the act that every EPC parameter finds."""
    template = FROM_AUDIT[row.action]
    parts = set(range(parts_of(template, row.quantity, row.after or {})))
    for match in matches:
        parts &= matching.parts_naming(match, template, row)
    return sorted(parts)


def _own_actions(query: EventQuery, matches: list[Match]) -> dict[Subject, list[str]]:
    """Per subject, the audited actions whose events pass the filters and may name the EPCs."""
    biz_step = bare_biz_step(query.biz_step) if query.biz_step else None
    return {
        subject: [
            action
            for action in actions_for(subject, query.event_type, biz_step)
            if all(matching.may_name(m, FROM_AUDIT[action]) for m in matches)
        ]
        for subject in Subject
    }


async def _own_candidates(
    session: AsyncSession,
    actor: Principal,
    query: EventQuery,
    cursor: Position | None,
    matches: list[Match],
    wanted: int,
) -> OwnScan:
    """At least ``wanted`` of gimark's own events after the cursor (fewer: there are no more,
    or the scan stopped at its horizon)."""
    actions = _own_actions(query, matches)
    narrowed = matching.ledger_filter(matches)
    found: list[Candidate] = []
    if not any(actions.values()) or not narrowed.possible:
        return OwnScan(found)
    at = cursor.at if cursor else None
    seq = cursor.row if cursor and cursor.source == OWN else None
    for _ in range(MAX_SCANS):
        select = repository.audited_events(
            actor,
            actions,
            since=query.since,
            before=query.before,
            batch_id=narrowed.batch_id,
            mentioning=narrowed.mentioning,
            after_at=at,
            after_seq=seq,
            limit=wanted + 1,
        )
        rows = (await session.execute(select)).all()
        for row in rows:
            occurred = _utc(row.occurred_at)
            assert occurred is not None
            for part in _own_parts(row, matches):
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
    matches: list[Match],
    wanted: int,
) -> list[Candidate]:
    """At least ``wanted`` captured events after the cursor (fewer: there are no more). The
    stored codes find the events naming each EPC; their bodies keep those naming it in the
    fields its parameter looks in, so a round may keep fewer than it read."""
    at = cursor.at if cursor else None
    after_id = cursor.row if cursor and cursor.source == CAPTURED else None
    found: list[Candidate] = []
    while True:
        select = repository.captured_events(
            actor,
            event_type=query.event_type,
            biz_step=bare_biz_step(query.biz_step) if query.biz_step else None,
            since=query.since,
            before=query.before,
            codes=[match.code for match in matches],
            after_at=at,
            after_id=after_id,
            limit=wanted,
        )
        captured = (await session.scalars(select)).all()
        found += [
            Candidate(Position(_utc(e.event_time) or e.event_time, CAPTURED, e.id), e)
            for e in captured
            if all(matching.names(e.body, match) for match in matches)
        ]
        if len(found) >= wanted or len(captured) < wanted:
            return found
        at, after_id = _utc(captured[-1].event_time), captured[-1].id


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
        codes = await _codes_of_part(session, row, template, part)
        if template.epcs is Epcs.CARTONS:
            epcs = [package_epc(code, base_url) for code in codes]
        else:
            epcs = [label_epc(code, row.gtin, base_url) for code in codes]
        parent = after.get(template.parent) if template.parent else None
        parent_epc = package_epc(parent, base_url) if parent else None
        events.append(own_event(template, candidate.position.at, epcs, after, parent_epc))
    return events


async def _codes_of_part(
    session: AsyncSession, row: Any, template: EventTemplate, part: int
) -> list[str]:
    """The codes the part of the act names, in its order."""
    epcs = template.epcs
    if epcs.listed:
        return codes_of_part(template, row.after or {}, part)
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
    query = replace(
        query, since=_utc(query.since, "GE_eventTime"), before=_utc(query.before, "LT_eventTime")
    )
    matches = await _matches(session, actor, query)
    own, captured = OwnScan([]), []
    if matches is not None:
        wanted = query.per_page + 1
        own = await _own_candidates(session, actor, query, cursor, matches, wanted)
        captured = await _captured_candidates(session, actor, query, cursor, matches, wanted)
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
