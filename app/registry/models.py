from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, BigIntPK, Timestamped, str_enum


class LegalRoute(enum.StrEnum):
    """How the GI is protected; decides what the label's legal line must print."""

    PROTECTED_PRODUCT = "protected_product"  # 地理标志保护产品 (standard / announcement number)
    COLLECTIVE_MARK = "collective_mark"  # 集体商标 (trademark + registration number)
    CERTIFICATION_MARK = "certification_mark"  # 证明商标 (trademark + registration number)
    AGRI_PRODUCT_GI = "agri_product_gi"  # 农产品地理标志 (registration certificate number)

    @property
    def is_trademark(self) -> bool:
        return self in (LegalRoute.COLLECTIVE_MARK, LegalRoute.CERTIFICATION_MARK)


class QuotaUnit(enum.StrEnum):
    """What a licence's registered production is counted in, for the mass-balance quota."""

    MU = "mu"  # 亩 of registered land (crops, fruit)
    HEAD = "head"  # 头/只 of registered livestock (mutton: a sheep yields its carcass once)

    @property
    def name_zh(self) -> str:
        return {"mu": "亩", "head": "头（只）"}[self.value]


class QrForm(enum.StrEnum):
    """What a label's QR carries, chosen per GI product."""

    SHORT_URL = "short_url"  # HTTPS://HOST/V/CODE: the smallest symbol
    # HTTPS://HOST/01/GTIN/10/LOT/21/CODE where the batch's item has a GTIN (a retailer's
    # till reads the GTIN from it); the short URL for a batch without one.
    DIGITAL_LINK = "digital_link"


class GIProduct(Timestamped, Base):
    __tablename__ = "gi_product"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    route: Mapped[LegalRoute] = mapped_column(str_enum(LegalRoute))
    standard_number: Mapped[str | None] = mapped_column(String(100))
    announcement_number: Mapped[str | None] = mapped_column(String(100))
    trademark: Mapped[str | None] = mapped_column(String(100))
    trademark_reg_number: Mapped[str | None] = mapped_column(String(50))
    # Where the standard or trademark number is not known, the public programme document the
    # GI comes from is cited instead, never a made-up number.
    programme_document: Mapped[str | None] = mapped_column(String(300))
    holder: Mapped[str | None] = mapped_column(String(200))
    # A collective or certification mark's registrant (an association, issue 14.2): it
    # endorses each licence application under its rules before the bureau approves it.
    registrant_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    protected_area: Mapped[str] = mapped_column(Text)
    # GB/T 2260 codes of the divisions the protected area is made of (see app.core.divisions).
    protected_area_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Mass balance: kg one quota unit yields (a mu of land, a head of livestock; the column's
    # name predates units other than the mu), and kg in one labelled pack.
    quota_unit: Mapped[QuotaUnit] = mapped_column(str_enum(QuotaUnit), default=QuotaUnit.MU)
    standard_yield_kg_per_mu: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    default_pack_size_kg: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    # Origin (app.origin): kg of finished product one kg of raw material yields (wheat → flour
    # 0.75, roasted sunflower seeds ~0.9; 1 where the product is sold as harvested), and
    # whether every batch must name the harvests and purchases its lot drew on.
    processing_factor: Mapped[Decimal] = mapped_column(Numeric(6, 4), default=Decimal(1))
    requires_origin: Mapped[bool] = mapped_column(default=False)
    # Superseded by the licensees' trade items (app.tradeitem, migration 0021 moved the values
    # there): kept readable for the record, no longer written or used for labels.
    gtin: Mapped[str | None] = mapped_column(String(14))
    qr_form: Mapped[QrForm] = mapped_column(str_enum(QrForm, length=16), default=QrForm.SHORT_URL)
    auto_approve_batches: Mapped[bool] = mapped_column(default=False)
    clone_distinct_sources: Mapped[int] = mapped_column(default=20)
    clone_window_hours: Mapped[int] = mapped_column(default=72)
    clone_max_speed_kmh: Mapped[int] = mapped_column(default=900)
    artwork: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    artwork_media_type: Mapped[str | None] = mapped_column(String(40))
    is_demo: Mapped[bool] = mapped_column(default=False)  # set only by the demo loader
    # Labels are issued ``inactive`` and go live only when the packing line activates them.
    requires_activation: Mapped[bool] = mapped_column(default=False)

    # The standard in force: what a new inspection must measure, the form and the API show.
    # An item dropped from the standard is retired, not deleted (see ``TestItem.retired_at``).
    test_items: Mapped[list[TestItem]] = relationship(
        lazy="raise",
        primaryjoin="and_(GIProduct.id == TestItem.product_id, TestItem.retired_at.is_(None))",
        order_by="TestItem.id",
        viewonly=True,
    )


class TestItem(Base):
    """One measured property in the GI standard, with inclusive limits (either may be open)."""

    __tablename__ = "gi_test_item"
    __table_args__ = (UniqueConstraint("product_id", "code"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    max_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    method: Mapped[str | None] = mapped_column(String(100))
    # Set when the item is dropped from the standard: past inspections refer to the row (by
    # foreign key, for its code and names), so it stays; new inspections no longer measure it.
    # Naming the code again in the standard brings the row back into force.
    retired_at: Mapped[datetime | None]

    product: Mapped[GIProduct] = relationship(lazy="raise")
