"""A licence's use of the mark, counted from its label batches: how much of the season's quota
its batches take, and the two-year non-use rule (CNIPA Announcement 354): an active licence
under which no label was issued and no label was scanned for 24 months is the legal trigger
for withdrawal.

Both are licence rules, but what they count are batches, labels and scans, which the label
domain holds; licence sits below label, so the counting is done here and the licence keeps
its own part (the quota's mass balance, ``licence_service.quota``).

A licensee's accepted annual use report that declares use counts as use too; the reports are
kept by the supervision domain above this one, which lends its look-up through
:func:`provide_declared_use` (called once by ``app.wiring``), so the arrows keep pointing down.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.label import repository
from app.licence import service as licence_service
from app.licence.models import Licence
from app.licence.schemas import NonUseCase, Quota
from app.registry.models import GIProduct

NON_USE_MONTHS = 24

# (session, cutoff) → the (enterprise id, product id) pairs that declared use after cutoff.
DeclaredUse = Callable[[AsyncSession, datetime], Awaitable[set[tuple[int, int]]]]
_declared_use: DeclaredUse | None = None


def provide_declared_use(look_up: DeclaredUse) -> None:
    global _declared_use
    _declared_use = look_up


async def _declared_since(session: AsyncSession, cutoff: datetime) -> set[tuple[int, int]]:
    if _declared_use is None:
        raise RuntimeError("no declared-use look-up: app.wiring.wire() provides it")
    return await _declared_use(session, cutoff)


async def season_quota(session: AsyncSession, licence: Licence, season: int) -> Quota:
    """The licence's quota for ``season`` and what its batches (all but rejected) use of it."""
    used = await session.scalar(repository.labels_requested(licence.id, season))
    return await licence_service.quota(session, licence, season, used=int(used or 0))


async def season_quotas(
    session: AsyncSession, licences: list[Licence], season: int, products: dict[int, GIProduct]
) -> dict[int, Quota]:
    """:func:`season_quota` of many licences in one query (a list page), by licence id;
    ``products`` holds each licence's product, already loaded by the caller."""
    if not licences:
        return {}
    query = repository.labels_requested_by_licence([lic.id for lic in licences], season)
    used = {int(licence_id): int(total or 0) for licence_id, total in await session.execute(query)}
    return {
        licence.id: await licence_service.quota(
            session,
            licence,
            season,
            used=used.get(licence.id, 0),
            product=products[licence.product_id],
        )
        for licence in licences
    }


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)  # every month has a 28th; a day's slack is immaterial here
    return moment.replace(year=year, month=month + 1, day=day)


async def find_non_use(session: AsyncSession, now: datetime) -> list[NonUseCase]:
    cutoff = months_before(now, NON_USE_MONTHS)
    rows = list(await session.execute(repository.idle_licences(cutoff)))
    declared = await _declared_since(session, cutoff)
    return [
        _case(row, cutoff)
        for row in rows
        if (row[0].enterprise_id, row[0].product_id) not in declared
    ]


def _case(row: Row[*tuple[Any, ...]], cutoff: datetime) -> NonUseCase:
    licence, name, product_code, last_issued, last_scanned = tuple(row)
    dates = [d for d in (licence.decided_at, last_issued, last_scanned) if d is not None]
    return NonUseCase(
        licence_id=licence.id,
        licence_number=licence.number,
        enterprise_id=licence.enterprise_id,
        enterprise_name=name,
        product_code=product_code,
        approved_at=licence.decided_at,
        last_issued_at=last_issued,
        last_scanned_at=last_scanned,
        idle_since=max(dates) if dates else cutoff,
        cutoff=cutoff,
    )
