from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum
from app.core.time import utcnow


class BatchStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    ISSUED = "issued"
    SUSPENDED = "suspended"  # failed inspection under review
    RECALLED = "recalled"  # irreversible
    REVOKED = "revoked"

    @classmethod
    def undecided_or_refused(cls) -> frozenset[BatchStatus]:
        """Never issued: no label of such a batch exists in the market."""
        return _NOT_ISSUED

    @classmethod
    def live(cls) -> frozenset[BatchStatus]:
        """Issued and still in circulation: the batches a revocation or an inspection acts on."""
        return _LIVE

    @classmethod
    def on_market(cls) -> frozenset[BatchStatus]:
        """Issued at some time, whatever became of it since (inspection coverage counts these)."""
        return _ON_MARKET


_NOT_ISSUED = frozenset({BatchStatus.REQUESTED, BatchStatus.APPROVED, BatchStatus.REJECTED})
_LIVE = frozenset({BatchStatus.ISSUED, BatchStatus.SUSPENDED})
_ON_MARKET = _LIVE | {BatchStatus.RECALLED, BatchStatus.REVOKED}


class LabelStatus(enum.StrEnum):
    INACTIVE = "inactive"  # printed, awaiting activation on the packing line (issue 15)
    ACTIVE = "active"
    VOID = "void"
    REVOKED = "revoked"

    @classmethod
    def taken_out(cls) -> tuple[LabelStatus, ...]:
        """Out of circulation (damaged, misprinted or revoked): never printed, never genuine.
        A tuple: the print summary lists them in this order."""
        return (cls.VOID, cls.REVOKED)

    @classmethod
    def live(cls) -> tuple[LabelStatus, ...]:
        """Not taken out: on the market (active) or printed and awaiting activation."""
        return (cls.ACTIVE, cls.INACTIVE)


class LabelBatch(Timestamped, Base):
    __tablename__ = "label_batch"
    __table_args__ = (UniqueConstraint("licence_id", "lot_number"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    # Denormalised from the licence so that scoping and public lookups need no join.
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), index=True)
    # The trade item the batch packs (its GTIN goes into a GS1 Digital Link); optional.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("trade_item.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(40))
    production_date: Mapped[date]
    origin: Mapped[str] = mapped_column(Text)
    # Where the lot's raw material grew, as the public may see it (app.origin.service
    # ``public_origin``): county, township and harvest year per source, never a grower.
    origin_public: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    season: Mapped[int] = mapped_column(Integer)
    status: Mapped[BatchStatus] = mapped_column(str_enum(BatchStatus), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    issued_at: Mapped[datetime | None]
    key_id: Mapped[str | None] = mapped_column(String(1))
    # Its labels were issued ``inactive`` (the product or licence required activation when the
    # batch was issued): kept on the batch so a later change of the flag leaves it as printed.
    requires_activation: Mapped[bool] = mapped_column(default=False)


class Label(Base):
    """One printed mark. The code is the key: verification is a single primary-key lookup."""

    __tablename__ = "label"
    __table_args__ = (UniqueConstraint("batch_id", "serial"),)

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("label_batch.id"))
    serial: Mapped[int] = mapped_column(Integer)
    status: Mapped[LabelStatus] = mapped_column(str_enum(LabelStatus, length=8))
    # Indexed for the statistics refresh (app.statistics.rollup): it reads the recent changes.
    status_changed_at: Mapped[datetime | None] = mapped_column(index=True)
    status_changed_by_id: Mapped[int | None] = mapped_column(BigInteger)
    status_reason: Mapped[str | None] = mapped_column(Text)
    revocation_id: Mapped[int | None] = mapped_column(BigInteger)
    # When the packing line activated it (None: never, or deactivated since).
    activated_at: Mapped[datetime | None]


class BatchMeasureKind(enum.StrEnum):
    SUSPEND = "suspend"
    CLEAR = "clear"
    RECALL = "recall"


class BatchMeasure(Base):
    """A regulator's (or a failed inspection's) act on a batch's standing, with its reason."""

    __tablename__ = "batch_measure"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("label_batch.id"), index=True)
    kind: Mapped[BatchMeasureKind] = mapped_column(str_enum(BatchMeasureKind, length=12))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    # The consumer report a recall cites as its cause, if it cites one.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("consumer_report.id"))
    reason: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(64))
    acted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    acted_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabelScanStat(Base):
    """Running totals per code, so "checked N times, first on …" is one lookup, not a count;
    and the clone flag, set by the scan writer off the hot path and read with the verdict.

    A per-label roll-up, so it lives with the labels: the verification domain above writes it
    (``app.verification.scanlog``), and the label domain reads it for a batch's reconciliation
    and the licence non-use rule without importing up the layers."""

    __tablename__ = "label_scan_stat"
    # The suspicious-code queue pages by (flagged_at, code): one index scan, no sort of ties.
    __table_args__ = (Index("ix_label_scan_stat_flagged_at_code", "flagged_at", "code"),)

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    scan_count: Mapped[int] = mapped_column(BigInteger)
    first_scanned_at: Mapped[datetime]
    last_scanned_at: Mapped[datetime]
    last_latitude: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    last_longitude: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    last_located_at: Mapped[datetime | None]
    suspect_reason: Mapped[str | None] = mapped_column(String(32))
    suspect_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    flagged_at: Mapped[datetime | None]


class LabelReplacement(Base):
    """A voided label and the batch requested to replace it (issue 12: a licensee may ask for
    replacement labels for voided ones, a new batch counted against the quota).

    The code is the primary key: a voided label is replaced once, and the database says so
    even if two requests race past the service's check. A rejected replacement batch
    releases its codes (the row is deleted; the audit trail keeps the request), so a refusal
    does not strand the licensee's voided labels."""

    __tablename__ = "label_replacement"

    code: Mapped[str] = mapped_column(ForeignKey("label.code"), primary_key=True)
    original_batch_id: Mapped[int] = mapped_column(ForeignKey("label_batch.id"), index=True)
    replacement_batch_id: Mapped[int] = mapped_column(ForeignKey("label_batch.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
