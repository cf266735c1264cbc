"""Reading public notices (一公开): the search behind the list page, the API and the feeds.

Notices are written by the acts they announce, through the kernel's ledger
(``app.core.notices``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.notices import NoticeKind, PublicNotice
from app.core.pagination import PageParams, paginate
from app.core.time import public_zone
from app.notice import repository


@dataclass(frozen=True)
class NoticeFilter:
    q: str | None = None
    kind: NoticeKind | None = None
    product_id: int | None = None
    since: date | None = None
    until: date | None = None


def _midnight(day: date | None) -> datetime | None:
    """Where the reader's calendar day begins: ``since`` and ``until`` are days on the public
    clock (the GI's zone), as the pages print publication dates."""
    return None if day is None else datetime.combine(day, time.min, tzinfo=public_zone())


async def list_notices(
    session: AsyncSession, filters: NoticeFilter, page: PageParams
) -> tuple[list[PublicNotice], int]:
    query = repository.notice_listing(
        words=filters.q.lower().split() if filters.q else [],
        kind=filters.kind,
        product_id=filters.product_id,
        since=_midnight(filters.since),
        until=_midnight(filters.until),
    )
    return await paginate(session, query, page)
