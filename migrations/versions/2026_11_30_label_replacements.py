"""Replacement labels for voided ones (issue 12): which voided code a replacement batch
replaces. The code is the key, so a voided label is replaced at most once.

Revision ID: 0020
Revises: 0021
Create Date: 2026-11-30 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "label_replacement",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("original_batch_id", ID, nullable=False),
        sa.Column("replacement_batch_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"], ["label.code"], name=op.f("fk_label_replacement_code_label")
        ),
        sa.ForeignKeyConstraint(
            ["original_batch_id"],
            ["label_batch.id"],
            name=op.f("fk_label_replacement_original_batch_id_label_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["replacement_batch_id"],
            ["label_batch.id"],
            name=op.f("fk_label_replacement_replacement_batch_id_label_batch"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_label_replacement")),
    )
    with op.batch_alter_table("label_replacement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_label_replacement_original_batch_id"),
            ["original_batch_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_label_replacement_replacement_batch_id"),
            ["replacement_batch_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("label_replacement")
