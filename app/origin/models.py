"""Where a lot's raw material came from (issue 15 point 1): growing bases, their harvests,
purchases from growers and suppliers, and what each lot drew from them.

A lot's origin must lie inside its GI product's protected area (division codes, and polygons
where a bureau has uploaded them), and a lot may claim at most what its sources supplied times
the product's processing factor (mass balance)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum
from app.core.time import utcnow


class BaseKind(enum.StrEnum):
    PLOT = "plot"  # 地块: one grower's or the enterprise's own field
    COOPERATIVE = "cooperative"  # 合作社基地: a co-operative's base of many plots


class SellerKind(enum.StrEnum):
    GROWER = "grower"  # 农户: a person; their name is personal data, never public
    BASE = "base"  # a growing base registered here
    ENTERPRISE = "enterprise"  # a supplier enterprise (a trader, another processor)


class GrowingBase(Timestamped, Base):
    """A plot or a co-operative base an enterprise grows a GI product's raw material on."""

    __tablename__ = "growing_base"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[BaseKind] = mapped_column(str_enum(BaseKind, length=16))
    # The county-level GB/T 2260 division and the township (乡镇) within it: the granularity
    # the issue sets; the verify page shows the township, never a grower.
    division_code: Mapped[str] = mapped_column(String(6))
    township: Mapped[str] = mapped_column(String(100))
    area_mu: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # A GeoJSON Polygon or MultiPolygon (WGS 84 lon/lat), optional; checked against the
    # protected area's polygon where the product has one.
    polygon: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Harvest(Base):
    """A harvest from one base: what it supplied, for lots to draw on."""

    __tablename__ = "origin_harvest"
    __table_args__ = (CheckConstraint("quantity_kg > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("growing_base.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    harvested_on: Mapped[date]
    quantity_kg: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Purchase(Base):
    """Raw material bought from a grower, a registered base or a supplier enterprise."""

    __tablename__ = "origin_purchase"
    __table_args__ = (CheckConstraint("quantity_kg > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), index=True)
    seller_kind: Mapped[SellerKind] = mapped_column(str_enum(SellerKind, length=16))
    # Who sold: a grower's name (personal data: shown to the licensee and staff only), or the
    # base or supplier enterprise's own record.
    seller_name: Mapped[str] = mapped_column(String(200))
    seller_base_id: Mapped[int | None] = mapped_column(ForeignKey("growing_base.id"))
    seller_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    # Where the material grew: the seller's county division and township.
    division_code: Mapped[str] = mapped_column(String(6))
    township: Mapped[str] = mapped_column(String(100))
    purchased_on: Mapped[date]
    harvest_year: Mapped[int]
    quantity_kg: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LotDraw(Base):
    """What one lot (a label batch) drew from one harvest or purchase, in kg of raw material.

    A draw of a rejected batch is released (``released_at``): the material was not used."""

    __tablename__ = "origin_lot_draw"
    __table_args__ = (
        CheckConstraint("quantity_kg > 0", name="positive_quantity"),
        CheckConstraint("(harvest_id IS NULL) <> (purchase_id IS NULL)", name="one_source"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("label_batch.id"), index=True)
    harvest_id: Mapped[int | None] = mapped_column(ForeignKey("origin_harvest.id"), index=True)
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("origin_purchase.id"), index=True)
    quantity_kg: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    released_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProtectedAreaShape(Timestamped, Base):
    """The protected area's polygon (GeoJSON, WGS 84), uploaded by a bureau; optional."""

    __tablename__ = "protected_area_shape"

    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), primary_key=True)
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
