from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, str_enum
from app.core.time import utcnow


class RevocationScope(enum.StrEnum):
    LICENCE = "licence"
    BATCH = "batch"
    LABELS = "labels"


class Revocation(Base):
    __tablename__ = "revocation"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scope: Mapped[RevocationScope] = mapped_column(str_enum(RevocationScope, length=12))
    licence_id: Mapped[int | None] = mapped_column(ForeignKey("licence.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("label_batch.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    label_count: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    case_number: Mapped[str] = mapped_column(String(64))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A batch revocation remembers the status it ended, so a reversal can restore it.
    previous_batch_status: Mapped[str | None] = mapped_column(String(24))
    reversed_at: Mapped[datetime | None]
    reversal_reason: Mapped[str | None] = mapped_column(Text)
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
