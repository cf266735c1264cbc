"""Publishing and reading public notices (一公开).

Services call :func:`publish` in the transaction of the act itself (an inspection result, a
recall, a revocation, a licence withdrawal, a random-inspection plan), so a measure and its
notice commit together. A notice copies the public fields of its subject at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import PageParams, paginate
from app.core.search import contains_text
from app.enterprise.models import Enterprise
from app.notice.models import NoticeKind, PublicNotice
from app.registry.models import GIProduct

SEARCHED = (
    "product_name_zh",
    "product_name_en",
    "enterprise_name",
    "uscc",
    "licence_number",
    "lot_number",
    "report_number",
    "case_number",
)


@dataclass
class Subject:
    """Who and what a notice is about; every field is public by nature."""

    product: GIProduct | None = None
    enterprise: Enterprise | None = None
    licence_number: str | None = None
    lot_number: str | None = None
    report_number: str | None = None
    result: str | None = None
    reason: str | None = None
    legal_basis: str | None = None
    case_number: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return any(o is not None and o.is_demo for o in (self.product, self.enterprise))


async def publish(
    session: AsyncSession, kind: NoticeKind, subject_id: int, about: Subject
) -> PublicNotice:
    notice = PublicNotice(
        kind=kind,
        subject_id=subject_id,
        product_id=about.product.id if about.product else None,
        product_name_zh=about.product.name_zh if about.product else None,
        product_name_en=about.product.name_en if about.product else None,
        enterprise_name=about.enterprise.name if about.enterprise else None,
        uscc=about.enterprise.uscc if about.enterprise else None,
        licence_number=about.licence_number,
        lot_number=about.lot_number,
        report_number=about.report_number,
        result=about.result,
        reason=about.reason,
        legal_basis=about.legal_basis,
        case_number=about.case_number,
        detail=about.detail,
        is_demo=about.is_demo,
    )
    searched = [str(value) for name in SEARCHED if (value := getattr(notice, name))]
    # A label revocation is found by any of its codes, as a shopper's page links to it.
    searched += about.detail.get("codes", [])
    notice.search_text = " ".join(searched).lower()
    session.add(notice)
    await session.flush()
    return notice


async def is_published(session: AsyncSession, kind: NoticeKind, subject_id: int) -> bool:
    query = select(PublicNotice.id).where(
        PublicNotice.kind == kind, PublicNotice.subject_id == subject_id
    )
    return await session.scalar(query) is not None


async def publish_once(
    session: AsyncSession, kind: NoticeKind, subject_id: int, about: Subject
) -> PublicNotice | None:
    """Publish unless this subject already has its notice; None when it has. The unique
    (kind, subject) key decides between concurrent publishers: the loser's insert is rolled
    back to a savepoint, leaving the rest of its transaction intact."""
    if await is_published(session, kind, subject_id):
        return None
    try:
        async with session.begin_nested():
            return await publish(session, kind, subject_id, about)
    except IntegrityError:
        return None


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
