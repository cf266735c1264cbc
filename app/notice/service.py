"""Reading public notices (一公开): the search behind the list page, the API and the feeds.

Notices are written by the acts they announce, through the kernel's ledger
(``app.core.notices``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.notices import NoticeKind, PublicNotice
from app.core.pagination import PageParams, paginate
from app.core.search import contains_text


@dataclass(frozen=True)
class NoticeFilter:
    q: str | None = None
    kind: NoticeKind | None = None
    product_id: int | None = None
    since: date | None = None
    until: date | None = None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _query(filters: NoticeFilter) -> Select[PublicNotice]:
    query = select(PublicNotice).order_by(PublicNotice.published_at.desc(), PublicNotice.id.desc())
    if filters.q:
        words = filters.q.lower().split()
        query = query.where(*(contains_text(PublicNotice.search_text, word) for word in words))
    if filters.kind:
        query = query.where(PublicNotice.kind == filters.kind)
    if filters.product_id:
        query = query.where(PublicNotice.product_id == filters.product_id)
    if filters.since:
        query = query.where(PublicNotice.published_at >= _midnight(filters.since))
    if filters.until:
        query = query.where(PublicNotice.published_at < _midnight(filters.until))
    return query


async def list_notices(
    session: AsyncSession, filters: NoticeFilter, page: PageParams
) -> tuple[list[PublicNotice], int]:
    return await paginate(session, _query(filters), page)
