"""The supervision tables: who is on the roster, what licensees report each year, what they
printed. Enums are stored as strings so SQLite and PostgreSQL behave the same."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum


class ProducerKind(enum.StrEnum):
    GROWER = "grower"  # 种植户 / 专业合作社: grows or raises the product
    PROCESSOR = "processor"  # 加工企业
    TRADER = "trader"  # 经销 / 贸易企业

    @property
    def name_zh(self) -> str:
        return {"grower": "种植合作社", "processor": "加工企业", "trader": "贸易企业"}[self.value]


class RosterEntry(Timestamped, Base):
    """One enterprise producing, processing or trading one GI product in its protected area,
    licensed or not: the denominator of the mark-use rate. It links to a registered enterprise
    by USCC at read time, so an enterprise registered after the import is linked at once."""

    __tablename__ = "roster_entry"
    __table_args__ = (UniqueConstraint("product_id", "uscc"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[ProducerKind] = mapped_column(str_enum(ProducerKind))
    exporter: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(200))  # where the bureau learnt of it
    on_roster: Mapped[date]
    closed_on: Mapped[date | None]


class UseReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"  # back to the licensee with a reason; it may submit again


class UseReport(Timestamped, Base):
    """A licensee's annual report on its use of the mark (年度使用情况报告) for one product."""

    __tablename__ = "use_report"
    __table_args__ = (UniqueConstraint("enterprise_id", "product_id", "year"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    produced_kg: Mapped[Decimal] = mapped_column(Numeric(16, 3))
    sold_domestic_kg: Mapped[Decimal] = mapped_column(Numeric(16, 3))
    sold_export_kg: Mapped[Decimal] = mapped_column(Numeric(16, 3))
    output_value_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    labels_applied: Mapped[int] = mapped_column(Integer)
    # Packaging printed with the mark by the licensee's own printer, outside gimark.
    packaging_printed: Mapped[int] = mapped_column(Integer)
    sales_channels: Mapped[str] = mapped_column(Text)
    authorised_shops: Mapped[str] = mapped_column(Text)
    status: Mapped[UseReportStatus] = mapped_column(str_enum(UseReportStatus), index=True)
    submitted_at: Mapped[datetime]
    submitted_late: Mapped[bool] = mapped_column(default=False)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def declares_use(self) -> bool:
        return self.labels_applied > 0 or self.packaging_printed > 0


class PrintRun(Timestamped, Base):
    """One run of printing a batch's labels, recorded by the licensee: who printed, when, how
    many, how many spoiled and destroyed (with why). The ledger reconciles runs with issuance."""

    __tablename__ = "print_run"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("label_batch.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), index=True)
    printer_name: Mapped[str] = mapped_column(String(200))
    printer_uscc: Mapped[str] = mapped_column(String(18))
    printed_on: Mapped[date]
    quantity: Mapped[int] = mapped_column(Integer)
    spoiled: Mapped[int] = mapped_column(Integer, default=0)
    destroyed: Mapped[int] = mapped_column(Integer, default=0)
    destroyed_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
