"""Consumer reports: a receipt number (stored hashed), the place of purchase's division, the
handling jurisdiction with its referral history, and the statutory clocks in working days.

Reports filed before this revision have no receipt (none was ever given out) and no computed
deadlines; they keep their place in the lists and are counted as "no deadline" by statistics.

Revision ID: 0028
Revises: 0025
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigIntPK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("consumer_report") as batch:
        batch.add_column(sa.Column("receipt_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("where_bought_division", sa.String(6), nullable=True))
        batch.add_column(sa.Column("handling_division", sa.String(6), nullable=True))
        batch.add_column(sa.Column("received_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("accept_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("finish_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint(
            "uq_consumer_report_receipt_hash", ["receipt_hash"]
        )
    op.create_index(
        "ix_consumer_report_handling_division", "consumer_report", ["handling_division"]
    )
    op.create_index("ix_consumer_report_due_at_id", "consumer_report", ["due_at", "id"])
    op.create_table(
        "consumer_report_referral",
        sa.Column("id", BigIntPK, nullable=False),
        sa.Column("report_id", BigIntPK, nullable=False),
        sa.Column("from_division", sa.String(6), nullable=True),
        sa.Column("to_division", sa.String(6), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["consumer_report.id"],
            name="fk_consumer_report_referral_report_id_consumer_report",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consumer_report_referral"),
    )
    op.create_index(
        "ix_consumer_report_referral_report_id", "consumer_report_referral", ["report_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_consumer_report_referral_report_id", "consumer_report_referral")
    op.drop_table("consumer_report_referral")
    op.drop_index("ix_consumer_report_due_at_id", "consumer_report")
    op.drop_index("ix_consumer_report_handling_division", "consumer_report")
    with op.batch_alter_table("consumer_report") as batch:
        batch.drop_constraint("uq_consumer_report_receipt_hash", type_="unique")
        for column in (
            "closed_at",
            "decided_at",
            "due_at",
            "finish_by",
            "accept_by",
            "received_on",
            "handling_division",
            "where_bought_division",
            "receipt_hash",
        ):
            batch.drop_column(column)
