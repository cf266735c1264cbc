"""The roll-up tables: daily counts per product × division × measure, each source's
watermark, so a refresh reads only what is new since the last one, and the division each
enterprise's counts were filed under."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base

NO_PRODUCT = 0  # scans of codes that match no label belong to no product
UNKNOWN_DIVISION = "unknown"


class StatDaily(Base):
    """How many of ``measure`` (its ``detail``: a verdict, a region, a clone reason) happened
    on a public calendar day for a product, in the division of the enterprise concerned.

    It outlives the rows it counts: scans older than 180 days are deleted by the scan roll-up
    (``app.verification.rollup``), their counts stay here, so annual figures survive."""

    __tablename__ = "stat_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    division: Mapped[str] = mapped_column(String(8), primary_key=True)
    measure: Mapped[str] = mapped_column(String(24), primary_key=True)
    detail: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class StatWatermark(Base):
    """Up to where a source has been folded in: an id (scans) or an instant (issued batches),
    and when the last refresh finished (the pages' "as of")."""

    __tablename__ = "stat_watermark"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_id: Mapped[int | None] = mapped_column(BigInteger)
    last_at: Mapped[datetime | None]
    refreshed_at: Mapped[datetime]


class StatCountedDivision(Base):
    """The division the roll-up has counted an enterprise's figures under. ``stat_daily`` keeps
    no enterprise, so when an enterprise's division changes (a bureau corrects it; revision
    0034 changed the rule from the USCC's office to ``division_code``) this is what tells the
    refresh to move the enterprise's counts, and from where (``app.statistics.rollup``)."""

    __tablename__ = "stat_counted_division"

    enterprise_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    division: Mapped[str] = mapped_column(String(8))
