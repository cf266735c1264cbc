"""The mark-use rate, defined once (issue 13, point 2; the Wuyuan plan's 90 % target).

**Used in P.** A roster enterprise *used the GI special mark in period P* when either

- gimark issued labels in P for a batch of the product requested by an enterprise of the
  same USCC (issuance time, in the deployment's time zone), or
- its annual use report for P's year was **accepted** and declares labels applied or
  packaging printed with the mark outside gimark (quantity > 0). An annual report cannot be
  placed in a month, so it counts for a year period only.

**Active in P.** On the roster on some day of P (``on_roster`` ≤ P's last day) and not
closed before P began (``closed_on`` empty or ≥ P's first day).

**Rate.** used ÷ active over the roster of one product, within one division (a county, a
city or a region: GB/T 2260 codes share their prefix, 150821 ⊂ 1508 ⊂ 15) and one period (a
calendar year ``2026`` or month ``2026-03``), reported for every enterprise and for the
exporters alone, against the 90 % target, with the active enterprises that did not use it.
With no active enterprise the rate is undefined (``None``), not 0 % or 100 %.

Enterprises are matched by USCC, so a roster enterprise counts as a user from the day it is
registered and licensed in gimark, and one never registered is a non-user.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.core import divisions
from app.registry import service as registry_service
from app.supervision import repository
from app.supervision.models import RosterEntry
from app.supervision.period import Period, parse_period
from app.supervision.roster import division_prefix
from app.supervision.schemas import DivisionRate, NonUser, RateFigures, UseRate

TARGET = 0.9  # 五原县示范区方案 §三(三)1: ≥ 90 % of local producers use the mark


async def users_in(session: AsyncSession, product_id: int, period: Period) -> set[str]:
    """USCCs that used the mark of the product in ``period``, by the definition above."""
    issued = repository.usccs_issued_labels(product_id, period.starts_at(), period.ends_at())
    used = set(await session.scalars(issued))
    if period.is_year:
        used |= set(await session.scalars(repository.usccs_declared_use(product_id, period.year)))
    return used


def _figures(entries: list[RosterEntry], used: set[str]) -> RateFigures:
    users = sum(1 for entry in entries if entry.uscc in used)
    rate = round(users / len(entries), 4) if entries else None
    return RateFigures(active=len(entries), used=users, rate=rate)


def _one_level_down(division: str | None) -> int | None:
    """How many digits of a code name the divisions one level below ``division``: 4 (+ "00")
    for the cities of a region or of the whole roster, 6 for the counties of a city."""
    if division is None:
        return 4
    level = divisions.require(division).level
    return {"province": 4, "prefecture": 6}.get(level.value)


def _by_division(
    entries: list[RosterEntry], used: set[str], division: str | None
) -> list[DivisionRate]:
    digits = _one_level_down(division)
    if digits is None:  # a county: nothing below it on the roster
        return []
    groups: dict[str, list[RosterEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.division_code[:digits].ljust(6, "0"), []).append(entry)
    return [
        DivisionRate(
            division=code,
            name=found.name if (found := divisions.get(code)) else code,
            all=_figures(members, used),
            exporters=_figures([e for e in members if e.exporter], used),
        )
        for code, members in sorted(groups.items())
    ]


async def use_rate(
    session: AsyncSession, product_id: int, division: str | None, period: Period | str
) -> UseRate:
    """The rate of ``product_id`` in ``division`` (None: the whole roster) over ``period``
    (a :class:`Period` or its text, ``2026`` / ``2026-03``)."""
    period = parse_period(period) if isinstance(period, str) else period
    await registry_service.get_product(session, product_id)  # 404 for an unknown product
    query = repository.active_entries(product_id, division_prefix(division), period)
    rows: list[tuple[RosterEntry, int | None]] = [
        (entry, enterprise_id) for entry, enterprise_id in await session.execute(query)
    ]
    entries = [entry for entry, _ in rows]
    used = await users_in(session, product_id, period)
    overall = _figures(entries, used)
    return UseRate(
        product_id=product_id,
        division=division,
        period=period.label,
        target=TARGET,
        all=overall,
        exporters=_figures([e for e in entries if e.exporter], used),
        meets_target=None if overall.rate is None else overall.rate >= TARGET,
        by_division=_by_division(entries, used, division),
        non_users=[
            NonUser(
                uscc=entry.uscc,
                name=entry.name,
                division_code=entry.division_code,
                exporter=entry.exporter,
                enterprise_id=enterprise_id,
            )
            for entry, enterprise_id in rows
            if entry.uscc not in used
        ],
    )
