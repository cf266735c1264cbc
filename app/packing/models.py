"""Aggregation (issue 15): units packed into cartons, cartons onto pallets.

A package has its own code: an SSCC (18 digits, GS1 check digit) the licensee's line prints,
or a gimark code minted like a label's. A unit is a label; it lies in at most one carton
(``PackageUnit``, keyed by the label's code), a carton on at most one pallet (``parent_id``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, str_enum
from app.core.time import utcnow


class PackageKind(enum.StrEnum):
    CARTON = "carton"
    PALLET = "pallet"


class Package(Base):
    __tablename__ = "package"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[PackageKind] = mapped_column(str_enum(PackageKind, length=8))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    # The pallet a carton is on.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("package.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(BigInteger)


class PackageUnit(Base):
    """A unit (label) in a carton."""

    __tablename__ = "package_unit"

    code: Mapped[str] = mapped_column(ForeignKey("label.code"), primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), index=True)
