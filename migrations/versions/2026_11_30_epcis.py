"""EPCIS 2.0 capture (issue 15 point 4): the documents a licensee's system sends, their
events as sent, and the label codes each event names (for ``MATCH_epc``).

gimark's own events are not stored: they are read from the audit ledger, the batches and the
labels (``app.epcis.vocabulary``).

Revision ID: 0031
Revises: 0029
Create Date: 2026-11-30 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "epcis_capture",
        sa.Column("id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("captured_by", sa.String(length=200), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_epcis_capture_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_epcis_capture")),
    )
    op.create_index(op.f("ix_epcis_capture_enterprise_id"), "epcis_capture", ["enterprise_id"])
    op.create_table(
        "epcis_captured_event",
        sa.Column("id", ID, nullable=False),
        sa.Column("capture_id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("biz_step", sa.String(length=200), nullable=True),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["epcis_capture.id"],
            name=op.f("fk_epcis_captured_event_capture_id_epcis_capture"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_epcis_captured_event_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_epcis_captured_event")),
    )
    op.create_index(
        op.f("ix_epcis_captured_event_capture_id"), "epcis_captured_event", ["capture_id"]
    )
    op.create_index(
        op.f("ix_epcis_captured_event_enterprise_id"), "epcis_captured_event", ["enterprise_id"]
    )
    op.create_index("ix_epcis_captured_event_time_id", "epcis_captured_event", ["event_time", "id"])
    op.create_table(
        "epcis_captured_epc",
        sa.Column("event_pk", ID, nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_pk"],
            ["epcis_captured_event.id"],
            name=op.f("fk_epcis_captured_epc_event_pk_epcis_captured_event"),
        ),
        sa.PrimaryKeyConstraint("event_pk", "code", name=op.f("pk_epcis_captured_epc")),
    )
    op.create_index(op.f("ix_epcis_captured_epc_code"), "epcis_captured_epc", ["code"])


def downgrade() -> None:
    op.drop_table("epcis_captured_epc")
    op.drop_table("epcis_captured_event")
    op.drop_table("epcis_capture")
