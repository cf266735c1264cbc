"""The clone rules: when a genuine code becomes suspect, and the evidence kept with the flag.

A code is flagged when more distinct sources check it within its product's window than the
product allows, or when two located checks are further apart than travel at the product's
maximum speed allows. Both thresholds are the product's (``GIProduct.clone_*``).

A flag is evidence the system gathers from scans, not an act of anyone: it is not an audited
transition (no actor, nothing to record in the ledger) and publishes no notice. It does change
the public verdict of the code (genuine → suspect), so the verdict caches must drop what they
read: hence the trust-epoch bump here, the one verdict change made outside
``app.audit.transition``."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.trust import trust_changed
from app.verification.geo import impossible_travel
from app.verification.repository import scans as repository
from app.verification.repository.scans import Location, ScanRecord, Thresholds

Evidence = tuple[str, dict[str, Any]]  # reason, details


async def flag_clones(
    session: AsyncSession,
    records: list[ScanRecord],
    previous: dict[str, Location],
    totals: dict[str, int],
) -> None:
    """Flag the codes among ``records`` (one flush of scans, already written) that the rules
    find suspect. ``previous``: each located code's last location before this flush;
    ``totals``: each code's scan count including this flush."""
    candidates = await _candidates(session, records, totals)
    if not candidates:
        return
    limits = await repository.clone_thresholds(session, candidates)
    evidence: dict[str, Evidence] = {}
    latest: dict[str, ScanRecord] = {}
    for record in sorted(records, key=lambda r: r.scanned_at):
        latest[record.code] = record
        if record.code in limits and record.code not in evidence:
            found = _travel_evidence(record, previous.get(record.code), limits[record.code][2])
            if found:
                evidence[record.code] = found
        if record.latitude is not None and record.longitude is not None:
            previous[record.code] = (record.latitude, record.longitude, record.scanned_at)
    evidence.update(await _source_evidence(session, latest, limits, totals, set(evidence)))
    for code, (reason, details) in evidence.items():
        await repository.flag_suspect(session, code, reason, details)
    if evidence:  # cached 'genuine' verdicts of these codes must go now (see module docstring)
        await trust_changed(session)


async def _candidates(
    session: AsyncSession, records: list[ScanRecord], totals: dict[str, int]
) -> set[str]:
    """Codes that could be flagged now: scanned more times in all than the lowest threshold of
    any product (fewer scans cannot come from too many sources), or located in this flush
    (travel). Ordinary traffic, a few scans per label, leaves none: no threshold lookup."""
    lowest = await repository.lowest_source_threshold(session)
    crowded = {code for code, count in totals.items() if count > (lowest or 0)}
    return crowded | {r.code for r in records if r.latitude is not None}


async def _source_evidence(
    session: AsyncSession,
    latest: dict[str, ScanRecord],
    limits: dict[str, Thresholds],
    totals: dict[str, int],
    done: set[str],
) -> dict[str, Evidence]:
    """Codes checked by more distinct sources than their product allows within its window.
    A code scanned no more times in all than the threshold cannot qualify, so ordinary
    traffic costs no query; the rest are counted one query per product window."""
    by_window: dict[tuple[int, int], list[str]] = defaultdict(list)
    for code, (max_sources, hours, _speed) in limits.items():
        if code in latest and code not in done and totals[code] > max_sources:
            by_window[(max_sources, hours)].append(code)
    found: dict[str, Evidence] = {}
    for (max_sources, hours), codes in by_window.items():
        since = max(latest[c].scanned_at for c in codes) - timedelta(hours=hours)
        for code, sources in (await repository.distinct_sources(session, codes, since)).items():
            if sources > max_sources:
                details = {"sources": sources, "window_hours": hours, "threshold": max_sources}
                found[code] = ("distinct_sources", details)
    return found


def _travel_evidence(
    record: ScanRecord, before: Location | None, max_speed: int
) -> Evidence | None:
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
