from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
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
