"""The public notice ledger (一公开): one row per published measure.

In the kernel because the acts that publish notices (an inspection result, a recall, a
revocation, a licence withdrawal, a random-inspection plan, the audit checkpoint) live in
several domains, and each publishes in its own transaction through ``app.audit.transition``,
so a measure and its notice commit together. Reading and listing notices is the notice
domain's (``app.notice``). A notice copies the public fields of its subject at that moment.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, str_enum
from app.core.time import utcnow


class NoticeKind(enum.StrEnum):
    PLAN = "plan"
    INSPECTION = "inspection"
    RECALL = "recall"
    REVOCATION = "revocation"
    REVOCATION_REVERSED = "revocation_reversed"
    LICENCE_WITHDRAWAL = "licence_withdrawal"
    # The audit ledger's head, once per local day (subject_id = YYYYMMDD), so anyone can hold
    # a checkpoint to verify the ledger against later.
    AUDIT_CHECKPOINT = "audit_checkpoint"


class PublicNotice(Base):
    """One published measure (一公开). Written in the transaction of the act it announces and
    holding only public fields, copied at that moment: the notice says what was announced,
    and nothing private can leak through a later join."""

    __tablename__ = "public_notice"
    __table_args__ = (UniqueConstraint("kind", "subject_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, length=24), index=True)
    subject_id: Mapped[int] = mapped_column(BigInteger)  # the plan, inspection, revocation …
    published_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("gi_product.id"), index=True)
    product_name_zh: Mapped[str | None] = mapped_column(String(100))
    product_name_en: Mapped[str | None] = mapped_column(String(200))
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18))
    licence_number: Mapped[str | None] = mapped_column(String(40))
    lot_number: Mapped[str | None] = mapped_column(String(64))
    report_number: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Lower-cased concatenation of the searchable fields; one LIKE serves the search box.
    search_text: Mapped[str] = mapped_column(Text)
    # About demo data (product or enterprise loaded by ``gimark demo load``): pages mark it.
    is_demo: Mapped[bool] = mapped_column(default=False)


class NoticedProduct(Protocol):
    """What a notice copies from a GI product (``app.registry``)."""

    @property
    def id(self) -> int: ...

    @property
    def name_zh(self) -> str: ...

    @property
    def name_en(self) -> str | None: ...

    @property
    def is_demo(self) -> bool: ...


class NoticedEnterprise(Protocol):
    """What a notice copies from an enterprise (``app.enterprise``)."""

    @property
    def name(self) -> str: ...

    @property
    def uscc(self) -> str: ...

    @property
    def is_demo(self) -> bool: ...


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

    product: NoticedProduct | None = None
    enterprise: NoticedEnterprise | None = None
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
