"""The incremental refresh of ``stat_daily``: each run folds in only what changed since the
last one, so no request and no run ever counts a table of 10^7 rows from the start (except the
very first run, which builds the roll-up from what is there).

Per source:

- **scans** (verdicts, and regions of shared locations): by id, past the watermark. A scan is
  written once and never changed; the 180-day retention (``app.verification.rollup``) deletes
  scans long after they were counted here, so the daily counts outlive them. Scans the
  retention had already folded away before the first refresh are taken, once, from its
  per-code counts, under the verdict "unrecorded" (the retention keeps none).
- **issued labels**: batches by ``issued_at``, past the watermark (set once, never changed).
- **suspect clones**: codes by ``flagged_at`` (a code keeps its first flag).
- **void and revoked labels**: a void can be undone for ten days and a revocation reversed, so
  these are *state* counts ("now out of circulation, taken out on day D"), recounted for the
  days still open to change (the undo window) and for the days of revocations reversed since
  the last run; older days no longer change.

Counts are filed under the division of the enterprise concerned (``places.division_of_enterprise``,
the enterprise's ``division_code``), and ``stat_daily`` keeps no enterprise. So each run also
moves the counts of an enterprise whose division changed since they were filed (a bureau
corrected it; revision 0034 changed the rule from the USCC's registering office): what the
sources still hold is counted again for that enterprise, taken from the old division and
added to the new, and the taken-out labels are recounted from the start. Scans past the
180-day retention stay where they were filed: their verdicts live only in ``stat_daily``,
per division, and the retention's per-code counts keep none to count them again by.

Rows younger than ``SETTLE`` are left to the next run: an id or an instant is assigned before
its transaction commits, and a transaction still open at the watermark would otherwise be
skipped for good. Writers' transactions are short (milliseconds), a minute is ample.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.time import public_date, public_zone
from app.label.service import UNDO_WINDOW
from app.statistics import places, repository
from app.statistics.models import NO_PRODUCT, UNKNOWN_DIVISION

SETTLE = timedelta(minutes=1)
TAKEN_OUT_WINDOW = UNDO_WINDOW + timedelta(days=1)
SCAN_IDS_PER_RUN = 2_000_000  # one run's transaction stays bounded; the job loops until caught up
ALL = "all"  # the detail of a measure that has none
UNRECORDED = "unrecorded"  # the verdict of scans known only from the retention's daily counts

SCANS, ISSUED, CLONES, TAKEN_OUT = "scans", "issued", "clones", "taken_out"
SOURCES = (SCANS, ISSUED, CLONES, TAKEN_OUT)
# Measures (stat_daily.measure)
SCAN, SCAN_REGION, LABEL_ISSUED, CLONE = "scan", "scan.region", "label.issued", "clone"
TAKEN_OUT_MEASURES = {"void": "label.void", "revoked": "label.revoked"}
LOCK_KEY = 0x5747_1301  # PostgreSQL advisory lock: one refresh at a time

Key = tuple[date, int, str, str, str]
DivisionOf = Callable[[int | None], str]  # enterprise (None: no label matched) → division


@dataclass(frozen=True)
class Outcome:
    scans: int = 0
    behind: bool = False  # more scans wait: run again at once
    skipped: bool = False  # another refresh holds the lock


def as_day(value: Any) -> date:
    """A grouped day from PostgreSQL, or an instant from SQLite folded into its public day."""
    if isinstance(value, datetime):
        return public_date(value)
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class Divisions:
    """Enterprise → the division its counts are filed under, as recorded in
    ``stat_counted_division``; an enterprise counted for the first time is read once per run.

    Within a run, an enterprise counted before keeps its recorded division unless this run
    moves it (:meth:`moves`): one whose division changes while a run is under way is moved
    whole by the next run, never half-filed by this one."""

    def __init__(self, session: AsyncSession, recorded: dict[int, str]) -> None:
        self.session = session
        self.known = recorded
        self.changed: dict[int, str] = {}  # to record when the run ends

    async def load(self, enterprise_ids: set[int]) -> None:
        missing = {i for i in enterprise_ids if i not in self.known}
        found = await repository.enterprise_places(self.session, missing)
        for enterprise_id, (code, uscc) in found.items():
            division = places.division_of_enterprise(code, uscc)
            self.known[enterprise_id] = self.changed[enterprise_id] = division

    def of(self, enterprise_id: int | None) -> str:
        return UNKNOWN_DIVISION if enterprise_id is None else self.known[enterprise_id]

    async def moves(self) -> dict[int, tuple[str, str]]:
        """Enterprise → (old, new division) of those no longer in the division their counts
        are filed under; from now on they are filed under the new one."""
        moved = {}
        for enterprise_id, (filed, code, uscc) in (
            await repository.possibly_moved(self.session)
        ).items():
            division = places.division_of_enterprise(code, uscc)
            if division != filed:
                moved[enterprise_id] = (filed, division)
                self.known[enterprise_id] = self.changed[enterprise_id] = division
        return moved

    async def record(self) -> None:
        await repository.save_counted_divisions(self.session, self.changed)


async def refresh(session: AsyncSession, now: datetime) -> Outcome:
    """Fold in everything settled by ``now - SETTLE``; idempotent under retries, because each
    source's counts and its watermark are written in the one transaction of ``session``."""
    if not await _lock(session):
        return Outcome(skipped=True)
    cutoff = now - SETTLE
    marks = await repository.watermarks(session)
    divisions = Divisions(session, await repository.counted_divisions(session))
    counts: Counter[Key] = Counter()
    moved = await divisions.moves()
    await _move_counted(session, marks, moved, counts)

    scanned, behind = await _fold_new_scans(session, marks, cutoff, divisions, counts)

    issued = await repository.issued_counts(session, _last_at(marks, ISSUED), cutoff)
    clones = await repository.clone_counts(session, _last_at(marks, CLONES), cutoff)
    await divisions.load({row[2] for row in [*issued, *clones]})
    _fold_issued(issued, divisions.of, counts)
    _fold_clones(clones, divisions.of, counts)
    await repository.save_watermark(session, ISSUED, cutoff, last_at=cutoff)
    await repository.save_watermark(session, CLONES, cutoff, last_at=cutoff)

    # A move recounts the taken-out labels of every day, as the first run does: they are
    # state counts, already recounted by day, and a move is rare.
    taken_out_since = None if moved else _last_at(marks, TAKEN_OUT)
    await _recount_taken_out(session, taken_out_since, cutoff, divisions, counts)
    await repository.save_watermark(session, TAKEN_OUT, cutoff, last_at=cutoff)

    await repository.add_daily(session, _rows(counts))
    await _forget_emptied(session, moved, counts)
    await divisions.record()
    await session.flush()
    return Outcome(scans=scanned, behind=behind)


async def _fold_new_scans(
    session: AsyncSession,
    marks: dict[str, Any],
    cutoff: datetime,
    divisions: Divisions,
    counts: Counter[Key],
) -> tuple[int, bool]:
    """Fold in the scans past the watermark, at most ``SCAN_IDS_PER_RUN`` of them (the first
    run also the retention's per-code counts); (scans folded, whether more wait)."""
    after = (marks[SCANS].last_id or 0) if SCANS in marks else 0
    bound = await repository.scan_id_bound(session, after, cutoff)
    upto = min(bound, after + SCAN_IDS_PER_RUN) if bound is not None else after
    behind = bound is not None and upto < bound
    scanned = 0
    if SCANS not in marks:
        retained = await repository.retained_scan_counts(session)
        await divisions.load({row[2] for row in retained if row[2] is not None})
        for day, product, enterprise, scans in retained:
            product_id = NO_PRODUCT if product is None else product
            counts[as_day(day), product_id, divisions.of(enterprise), SCAN, UNRECORDED] += scans
    if upto > after:
        rows = await repository.scan_counts(session, after, upto)
        await divisions.load({row[2] for row in rows if row[2] is not None})
        scanned = _fold_scans(rows, divisions.of, counts)
    scans_as_of = marks[SCANS].refreshed_at if behind and SCANS in marks else cutoff
    await repository.save_watermark(session, SCANS, scans_as_of, last_id=upto)
    return scanned, behind


async def _move_counted(
    session: AsyncSession,
    marks: dict[str, Any],
    moved: dict[int, tuple[str, str]],
    counts: Counter[Key],
) -> None:
    """Take the moved enterprises' filed counts (up to the watermarks) from their old
    division and add them to the new: the scans still kept, the issued labels, the clone
    flags. The taken-out labels are recounted instead (see ``refresh``)."""
    if not moved:
        return
    ids = set(moved)
    last_scan = (marks[SCANS].last_id or 0) if SCANS in marks else 0
    scans = await repository.scan_counts(session, 0, last_scan, ids) if last_scan else []
    issued_upto, clones_upto = _last_at(marks, ISSUED), _last_at(marks, CLONES)
    issued = await repository.issued_counts(session, None, issued_upto, ids) if issued_upto else []
    clones = await repository.clone_counts(session, None, clones_upto, ids) if clones_upto else []
    for sign, side in ((-1, 0), (1, 1)):

        def division_of(enterprise: int | None, side: int = side) -> str:
            assert enterprise is not None  # the rows are those of the moved enterprises
            return moved[enterprise][side]

        _fold_scans(scans, division_of, counts, sign)
        _fold_issued(issued, division_of, counts, sign)
        _fold_clones(clones, division_of, counts, sign)


async def _forget_emptied(
    session: AsyncSession, moved: dict[int, tuple[str, str]], counts: Counter[Key]
) -> None:
    """The rows a move emptied in the old divisions go: no region or verdict of 0 scans."""
    if moved:
        days = {key[0] for key, count in counts.items() if count < 0}
        await repository.delete_emptied_daily(session, days, {old for old, _ in moved.values()})


async def _lock(session: AsyncSession) -> bool:
    """Two refreshes at once would count the same scans twice; on PostgreSQL the second one
    waits for nothing and skips (SQLite's single writer serialises them anyway)."""
    if not repository.on_postgresql(session):
        return True
    return await repository.try_lock(session, LOCK_KEY)


def _last_at(marks: dict[str, Any], source: str) -> datetime | None:
    return marks[source].last_at if source in marks else None


def _fold_scans(rows: Any, division_of: DivisionOf, counts: Counter[Key], sign: int = 1) -> int:
    total = 0
    for day_value, product, enterprise, verdict, latitude, longitude, scans in rows:
        day, division = as_day(day_value), division_of(enterprise)
        product_id = NO_PRODUCT if product is None else product
        counts[day, product_id, division, SCAN, verdict] += sign * scans
        region = places.region_of(latitude, longitude)
        if region is not None:
            counts[day, product_id, division, SCAN_REGION, region] += sign * scans
        total += scans
    return total


def _fold_issued(rows: Any, division_of: DivisionOf, counts: Counter[Key], sign: int = 1) -> None:
    for day, product, enterprise, labels in rows:
        counts[as_day(day), product, division_of(enterprise), LABEL_ISSUED, ALL] += sign * labels


def _fold_clones(rows: Any, division_of: DivisionOf, counts: Counter[Key], sign: int = 1) -> None:
    for day, product, enterprise, reason, codes in rows:
        counts[as_day(day), product, division_of(enterprise), CLONE, reason or ALL] += sign * codes


async def _recount_taken_out(
    session: AsyncSession,
    last: datetime | None,
    cutoff: datetime,
    divisions: Divisions,
    counts: Counter[Key],
) -> None:
    """Count anew the void and revoked labels of the days that may still have changed."""
    if last is None:  # the first run: every day
        ranges: list[tuple[datetime | None, datetime]] = [(None, cutoff)]
        days: set[date] | None = None
    else:
        first_open = public_date(cutoff) - TAKEN_OUT_WINDOW
        ranges = [(_midnight(first_open), cutoff)]
        days = {first_open + timedelta(days=n) for n in range(TAKEN_OUT_WINDOW.days + 1)}
        days.add(public_date(cutoff))
        for revoked_at in await repository.reversed_revocation_times(session, last, cutoff):
            day = public_date(revoked_at)
            if day < first_open:
                ranges.append((_midnight(day), _midnight(day + timedelta(days=1))))
                days.add(day)
    await repository.delete_daily(session, TAKEN_OUT_MEASURES.values(), days)
    rows = await repository.taken_out_counts(session, ranges)
    await divisions.load({row[2] for row in rows})
    for day, product, enterprise, status, labels in rows:
        measure = TAKEN_OUT_MEASURES[status]
        counts[as_day(day), product, divisions.of(enterprise), measure, ALL] += labels


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=public_zone())


def _rows(counts: Counter[Key]) -> list[dict[str, Any]]:
    return [
        {
            "day": day,
            "product_id": product,
            "division": division,
            "measure": measure,
            "detail": detail[:32],
            "count": count,
        }
        for (day, product, division, measure, detail), count in counts.items()
        if count
    ]
