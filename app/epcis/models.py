from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK
from app.core.time import utcnow


class EpcisCapture(Base):
    """One EPCIS document a licensee's system sent (``POST /api/v1/epcis/capture``)."""

    __tablename__ = "epcis_capture"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    captured_by: Mapped[str] = mapped_column(String(200))
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    event_count: Mapped[int] = mapped_column(Integer)


class CapturedEvent(Base):
    """A captured event, stored as sent (plus its ``eventID`` when it came without one), with
    the fields the query filters on."""

    __tablename__ = "epcis_captured_event"
    # The query pages by (event_time, id).
    __table_args__ = (Index("ix_epcis_captured_event_time_id", "event_time", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("epcis_capture.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(32))
    event_time: Mapped[datetime]
    biz_step: Mapped[str | None] = mapped_column(String(200))  # bare CBV word, or the URI
    event_id: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class CapturedEpc(Base):
    """A label a captured event names, or the package its ``parentID`` is (an SSCC's 18
    digits, a gimark code): the query's EPC parameters find its events through these, and
    its body says in which field (``app.epcis.matching``)."""

    __tablename__ = "epcis_captured_epc"

    event_pk: Mapped[int] = mapped_column(ForeignKey("epcis_captured_event.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
