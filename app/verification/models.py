from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, LargeBinary, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK

# The per-label roll-up this domain's scan writer keeps, ``LabelScanStat``, lives with the
# labels (app.label.models): label's reconciliation and non-use rule read it, and label sits
# below verification.


class Scan(Base):
    """One public verification, privacy-minimised: no full IP is ever stored."""

    __tablename__ = "scan"
    __table_args__ = (
        Index("ix_scan_code_scanned_at", "code", "scanned_at"),
        # The staff's scan list pages by (scanned_at, id): with the id in the index, a page is
        # one backward index scan, no sort of tied times (it replaced one on scanned_at alone,
        # which the roll-up's range scans read just as well from this one).
        Index("ix_scan_scanned_at_id", "scanned_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    scanned_at: Mapped[datetime]
    verdict: Mapped[str] = mapped_column(String(32))
    network_prefix: Mapped[str] = mapped_column(String(49))
    source_hash: Mapped[str] = mapped_column(String(32))
    ua_family: Mapped[str] = mapped_column(String(16))
    os_family: Mapped[str] = mapped_column(String(16))
    latitude: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    longitude: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))


class ScanSalt(Base):
    """The day's key for hashing client addresses; destroyed after 48 h."""

    __tablename__ = "scan_salt"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)


class ScanDaily(Base):
    """Scans older than the retention period, rolled up per code and day."""

    __tablename__ = "scan_daily"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    scans: Mapped[int] = mapped_column(Integer)
    distinct_sources: Mapped[int] = mapped_column(Integer)
