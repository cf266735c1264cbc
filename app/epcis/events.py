"""gimark's acts written as EPCIS 2.0 events, and the page positions they stand at.

A batch of 10⁶ labels is commissioned by one act, but its event is not one list of 10⁶ EPCs
built in memory for every query: each act that names a batch's labels reads as consecutive
events of at most :data:`EPCS_PER_EVENT` labels (by serial, in the act's own order of codes,
or along its serial runs), the event's ``part``. Instance-level EPCs rather than a class-level
``quantityList`` because a label is an instance (its own code and verdict) and a label
without a GTIN has no class identifier at all; and because ``MATCH_epc`` must find the
commissioning of the one code a retailer scanned. A query page holds at most
``perPage`` × :data:`EPCS_PER_EVENT` EPCs, and an event's content (and so its ``eventID``)
never depends on the page it lands on.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.core.errors import Unprocessable
from app.core.time import public_zone
from app.epcis.eventhash import event_id
from app.epcis.vocabulary import Epcs, EventTemplate

EPCS_PER_EVENT = 500

OWN, CAPTURED = 0, 1  # the two sources, in the order they sort at one instant


@dataclass(frozen=True, order=True)
class Position:
    """Where an event stands in the query's order: time, source, row (audit seq or captured
    event id), part (of an act naming more than :data:`EPCS_PER_EVENT` labels)."""

    at: datetime
    source: int
    row: int
    part: int = 0

    def token(self) -> str:
        raw = json.dumps([self.at.isoformat(), self.source, self.row, self.part])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def from_token(cls, token: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            at, source, row, part = json.loads(raw)
            instant = datetime.fromisoformat(at)
            if instant.tzinfo is None or source not in (OWN, CAPTURED):
                raise ValueError(token)
            instant = instant.astimezone(UTC)
            if not all(isinstance(n, int) and 0 <= n < 2**63 for n in (row, part)):
                raise ValueError(token)
        except (ValueError, TypeError, OverflowError, binascii.Error) as error:
            raise Unprocessable(
                "nextPageToken is not one this server gave", field="nextPageToken"
            ) from error
        return cls(instant, source, row, part)


def _runs(after: dict[str, Any]) -> list[list[int]]:
    runs: list[list[int]] = after.get("runs") or []
    return runs


def _listed(template: EventTemplate, after: dict[str, Any]) -> list[str]:
    """The codes the act listed one by one (its labels' or its cartons')."""
    key = template.epcs.listed
    codes: list[str] = (after.get(key) if key else None) or []
    return codes


def parts_of(template: EventTemplate, quantity: int | None, after: dict[str, Any]) -> int:
    """How many events the act reads as (``quantity``: its batch's, for an act on all of it)."""
    if template.epcs.listed:
        count = len(_listed(template, after))
    elif template.epcs is Epcs.RUNS:
        count = sum(last - first + 1 for first, last in _runs(after))
    else:
        count = quantity or 0
    return max(1, -(-count // EPCS_PER_EVENT))


def part_of(template: EventTemplate, serial: int, code: str, after: dict[str, Any]) -> int | None:
    """The part of the act that names the label (``None``: the act does not name it)."""
    if template.epcs is Epcs.BATCH:
        return (serial - 1) // EPCS_PER_EVENT
    if template.epcs is Epcs.RUNS:
        position = _position_in_runs(_runs(after), serial)
        return None if position is None else position // EPCS_PER_EVENT
    return listed_part_of(template, code, after)


def listed_part_of(template: EventTemplate, code: str, after: dict[str, Any]) -> int | None:
    """The part of the act that lists ``code`` (a label's or a carton's; ``None``: it does
    not list it)."""
    codes = _listed(template, after)
    return codes.index(code) // EPCS_PER_EVENT if code in codes else None


def _position_in_runs(runs: list[list[int]], serial: int) -> int | None:
    """Where the serial stands among the runs' serials, counted from 0 (``None``: absent)."""
    position = 0
    for first, last in runs:
        if serial < first:
            return None  # ascending: it is in none of the runs left
        if serial <= last:
            return position + serial - first
        position += last - first + 1
    return None


def serial_range(part: int) -> tuple[int, int]:
    return part * EPCS_PER_EVENT + 1, (part + 1) * EPCS_PER_EVENT


def codes_of_part(template: EventTemplate, after: dict[str, Any], part: int) -> list[str]:
    """The codes the part lists (of an act listing its codes one by one)."""
    return _listed(template, after)[part * EPCS_PER_EVENT : (part + 1) * EPCS_PER_EVENT]


def runs_of_part(after: dict[str, Any], part: int) -> list[tuple[int, int]]:
    """The serial runs of the part: the act's serials at positions ``part`` × 500 on, at
    most :data:`EPCS_PER_EVENT` of them, cut out of its runs."""
    start, stop = part * EPCS_PER_EVENT, (part + 1) * EPCS_PER_EVENT
    cut: list[tuple[int, int]] = []
    position = 0
    for first, last in _runs(after):
        length = last - first + 1
        low, high = max(start, position), min(stop, position + length)
        if low < high:
            cut.append((first + low - position, first + high - 1 - position))
        position += length
        if position >= stop:
            break
    return cut


def event_time(at: datetime) -> tuple[str, str]:
    """``eventTime`` on the public clock, at millisecond precision, and its offset."""
    local = at.astimezone(public_zone())
    text = local.isoformat(timespec="milliseconds")
    return text, text[-6:]


def own_event(
    template: EventTemplate,
    at: datetime,
    epcs: list[str],
    after: dict[str, Any],
    parent: str | None = None,
) -> dict[str, Any]:
    """One of gimark's events, its ``eventID`` computed from its content; ``parent`` is an
    AggregationEvent's parent EPC (``template.parent`` says where the act names it)."""
    time, offset = event_time(at)
    event: dict[str, Any] = {
        "type": template.event_type,
        "eventTime": time,
        "eventTimeZoneOffset": offset,
    }
    if parent is not None:
        event |= {"parentID": parent, "childEPCs": epcs}
    else:
        event["epcList"] = epcs
    event |= {
        "action": template.action,
        "bizStep": template.biz_step,
        "disposition": template.disposition_of(after),
    }
    return {"eventID": event_id(event)} | event
