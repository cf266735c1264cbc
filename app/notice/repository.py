"""The query behind the notices list, the API and the feeds (notices are all public)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from app.core.notices import NoticeKind, PublicNotice
from app.core.search import contains_text


def notice_listing(
    *,
    words: list[str],
    kind: NoticeKind | None,
    product_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> Select[PublicNotice]:
    """Notices holding every word (lower case), of the kind and product if given, published
    in [since, until), newest first."""
    query = select(PublicNotice).order_by(PublicNotice.published_at.desc(), PublicNotice.id.desc())
    if words:
        query = query.where(*(contains_text(PublicNotice.search_text, word) for word in words))
    if kind:
        query = query.where(PublicNotice.kind == kind)
    if product_id:
        query = query.where(PublicNotice.product_id == product_id)
    if since:
        query = query.where(PublicNotice.published_at >= since)
    if until:
        query = query.where(PublicNotice.published_at < until)
    return query
